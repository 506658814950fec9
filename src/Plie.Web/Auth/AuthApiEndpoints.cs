using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Infrastructure.Identity;

namespace Plie.Web.Auth;

/// <summary>The signed-in user (<c>GET /api/auth/me</c>), the roles, and the accounts for administrators.</summary>
public static class AuthApiEndpoints
{
    public sealed record MeView(string Id, string DisplayName, IReadOnlyList<string> Roles, string? Antenne);

    public sealed record RoleView(string Id, string Label);

    public sealed record UserView(string Id, string DisplayName, IReadOnlyList<string> Roles, string? Antenne, bool Active, DateTimeOffset CreatedAt);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Authentification");
        group.MapGet("/me", (ICurrentUser user) => new MeView(user.Id, user.DisplayName, user.Roles, user.Antenne))
            .RequireAuthorization(PliePolicies.SignedIn)
            .WithSummary("L'utilisateur connecté : identifiant, nom, rôles (groupes candidats BPMN) et antenne.");
        group.MapGet("/roles", () => PlieRoles.All.Select(r => new RoleView(r, PlieRoles.Label(r))).ToList())
            .RequireAuthorization(PliePolicies.Authenticated)
            .WithSummary("Les rôles de Plie et leurs libellés.");
        group.MapGet("/users", async (AuthDbContext db, CancellationToken ct) =>
                (await db.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync(ct))
                .Select(u => new UserView(u.Id, u.DisplayName, u.Roles, u.Antenne, u.Active, u.CreatedAt)).ToList())
            .RequireAuthorization(PliePolicies.Administration)
            .WithSummary("Les comptes du serveur de connexion intégré (administrateurs).");
        return app;
    }
}
