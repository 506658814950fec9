using System.Security.Claims;
using Plie.Application.Common;

namespace Plie.Web.Hosting;

/// <summary>The signed-in user of the current request; the system when there is no request (background jobs).</summary>
public sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal? Principal => accessor.HttpContext?.User is { Identity.IsAuthenticated: true } u ? u : null;

    public string Id => Principal?.FindFirstValue("sub") ?? Principal?.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? (accessor.HttpContext is null ? "system" : "anonyme");

    public string DisplayName => Principal?.FindFirstValue("name") ?? Principal?.Identity?.Name ?? Id;

    public bool IsInRole(string role) => Principal?.IsInRole(role) ?? accessor.HttpContext is null;
}
