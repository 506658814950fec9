using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Plie.Application.Common;

namespace Plie.Web.Hosting;

/// <summary>
/// The user of a Blazor circuit, held by the circuit's DI scope (and copied into the scopes <see cref="UiSender"/>
/// creates). In a circuit there is no HTTP request: without this, <see cref="HttpCurrentUser"/> would see "no request"
/// and act as the system, with every role.
/// </summary>
public sealed class UiUserContext
{
    /// <summary>Set once the scope belongs to a circuit (even for an anonymous user).</summary>
    public bool IsSet { get; private set; }

    public ClaimsPrincipal User { get; private set; } = new(new ClaimsIdentity());

    public void Set(ClaimsPrincipal user)
    {
        User = user;
        IsSet = true;
    }
}

/// <summary>An <see cref="ICurrentUser"/> read from claims (the same claims as <see cref="HttpCurrentUser"/>).</summary>
public sealed class ClaimsCurrentUser(ClaimsPrincipal principal) : ICurrentUser
{
    private ClaimsPrincipal? Principal => principal.Identity?.IsAuthenticated == true ? principal : null;

    public string Id => Principal?.FindFirstValue("sub") ?? Principal?.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonyme";

    public string DisplayName => Principal?.FindFirstValue("name") ?? Principal?.Identity?.Name ?? Id;

    public string? Antenne => Principal?.FindFirstValue("antenne");

    public IReadOnlyList<string> Roles => Principal is null
        ? []
        : Principal.FindAll(ClaimTypes.Role).Select(c => c.Value).Concat(Principal.FindAll("role").Select(c => c.Value)).Distinct().ToList();

    public bool IsInRole(string role) => Roles.Contains(role);
}

/// <summary>The circuit's user when the scope is a circuit's (or made for one); otherwise the request's.</summary>
public sealed class CircuitAwareCurrentUser(UiUserContext circuit, ICurrentUser request) : ICurrentUser
{
    private ICurrentUser Current => circuit.IsSet ? new ClaimsCurrentUser(circuit.User) : request;

    public string Id => Current.Id;
    public string DisplayName => Current.DisplayName;
    public string? Antenne => Current.Antenne;
    public IReadOnlyList<string> Roles => Current.Roles;
    public bool IsInRole(string role) => Current.IsInRole(role);
}

/// <summary>Puts the circuit's authenticated user into <see cref="UiUserContext"/>, and keeps it up to date.</summary>
public sealed class UiUserCircuitHandler(AuthenticationStateProvider authentication, UiUserContext context) : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        context.Set(new ClaimsPrincipal(new ClaimsIdentity())); // anonymous until the state is read: never the system
        authentication.AuthenticationStateChanged += OnChanged;
        context.Set((await authentication.GetAuthenticationStateAsync()).User);
    }

    private void OnChanged(Task<AuthenticationState> state) => _ = UpdateAsync(state);

    private async Task UpdateAsync(Task<AuthenticationState> state)
    {
        try
        {
            context.Set((await state).User);
        }
        catch (Exception)
        {
            context.Set(new ClaimsPrincipal(new ClaimsIdentity()));
        }
    }

    public void Dispose() => authentication.AuthenticationStateChanged -= OnChanged;
}
