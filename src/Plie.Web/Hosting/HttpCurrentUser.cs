using System.Security.Claims;
using Plie.Application.Common;
using Plie.Web.Auth;

namespace Plie.Web.Hosting;

/// <summary>The signed-in user of the current request; the system when there is no request (background jobs).</summary>
public sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal? Principal => accessor.HttpContext?.User is { Identity.IsAuthenticated: true } u ? u : null;

    private bool IsSystem => accessor.HttpContext is null;

    public string Id => Principal?.FindFirstValue(PlieClaimTypes.Subject) ?? Principal?.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? (IsSystem ? "system" : "anonyme");

    public string DisplayName => Principal?.FindFirstValue(PlieClaimTypes.Name) ?? Principal?.Identity?.Name ?? Id;

    public string? Antenne => Principal?.FindFirstValue(PlieClaimTypes.Antenne);

    public IReadOnlyList<string> Roles => Principal is { } principal
        ? principal.FindAll(c => c.Type is ClaimTypes.Role or PlieClaimTypes.Role).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList()
        : IsSystem ? PlieRoles.All : [];

    public bool IsInRole(string role) => Principal is { } principal
        ? principal.IsInRole(role) || principal.HasClaim(PlieClaimTypes.Role, role)
        : IsSystem;
}
