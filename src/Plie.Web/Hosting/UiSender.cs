using Mediator;
using Plie.Application.Common;

namespace Plie.Web.Hosting;

/// <summary>
/// Sends the use cases from the Blazor components. Each call runs in a DI scope of its own — its own DbContext and
/// engine, as a web request would — rather than in the circuit's scope, which lives as long as the browser tab (one
/// DbContext for hours, and shared by concurrent handlers). The new scope acts as the circuit's user.
/// </summary>
public sealed class UiSender(IServiceScopeFactory scopes, UiUserContext circuitUser)
{
    /// <summary>The signed-in user of the circuit (anonymous when nobody is).</summary>
    public ICurrentUser User => new ClaimsCurrentUser(circuitUser.User);

    public Task<T> Query<T>(IQuery<T> query, CancellationToken ct = default) => Run(s => s.Send(query, ct));

    public Task<T> Command<T>(ICommand<T> command, CancellationToken ct = default) => Run(s => s.Send(command, ct));

    public Task Command(ICommand command, CancellationToken ct = default) => Run(s => s.Send(command, ct));

    private async Task<T> Run<T>(Func<ISender, ValueTask<T>> send)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<UiUserContext>().Set(circuitUser.User);
        // Fail closed: if another ICurrentUser was registered after the UI's, the handlers could act as the system.
        if (services.GetRequiredService<ICurrentUser>() is not CircuitAwareCurrentUser)
            throw new InvalidOperationException("ICurrentUser must be registered before AddPlieUi (the UI wraps it to act as the circuit's user).");
        return await send(services.GetRequiredService<ISender>());
    }
}
