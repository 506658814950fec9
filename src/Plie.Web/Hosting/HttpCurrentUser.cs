using System.Security.Claims;
using Plie.Application.Common;

namespace Plie.Web.Hosting;

/// <summary>The signed-in user of the current request; the system when there is no request (background jobs).</summary>
public sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal? Principal => accessor.HttpContext?.User is { Identity.IsAuthenticated: true } u ? u : null;
    private bool NoRequest => accessor.HttpContext is null;

    public string Id => Principal?.FindFirstValue("sub") ?? Principal?.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? (NoRequest ? "system" : "anonyme");

    public string DisplayName => Principal?.FindFirstValue("name") ?? Principal?.Identity?.Name ?? Id;

    public string? Antenne => Principal?.FindFirstValue("antenne");

    public IReadOnlyList<string> Roles => NoRequest ? PlieRoles.All
        : Principal?.FindAll(ClaimTypes.Role).Select(c => c.Value).Concat(Principal.FindAll("role").Select(c => c.Value)).Distinct().ToList() ?? [];

    public bool IsInRole(string role) => NoRequest || Roles.Contains(role);
}
