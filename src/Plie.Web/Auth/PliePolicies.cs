using Microsoft.AspNetCore.Authorization;
using Plie.Application.Common;

namespace Plie.Web.Auth;

/// <summary>
/// The authorization policies. Apply them with <c>.RequireAuthorization(PliePolicies.Designer)</c> on an endpoint or
/// a group. An endpoint without one gets the fallback policy, <see cref="Authenticated"/>; the sign-in pages and the
/// OpenID Connect endpoints are anonymous.
/// </summary>
public static class PliePolicies
{
    /// <summary>A signed-in user holding at least one Plie role (any role). Also the fallback and default policy.</summary>
    public const string Authenticated = "Authenticated";

    /// <summary>Designs and deploys the procedures: gestionnaire des procédures, administrateur.</summary>
    public const string Designer = "Designer";

    /// <summary>Supervises running procedures: superviseur, responsable accompagnement, administrateur.</summary>
    public const string Supervision = "Supervision";

    /// <summary>
    /// Moves every running case of a version to another: those who supervise (<see cref="Supervision"/>) and the
    /// gestionnaire des procédures, who publishes the versions.
    /// </summary>
    public const string VersionMigration = "VersionMigration";

    /// <summary>Administers Plie: administrateur.</summary>
    public const string Administration = "Administration";

    /// <summary>A signed-in user, whatever their roles (even none): only for "who am I" pages.</summary>
    public const string SignedIn = "SignedIn";

    /// <summary>The roles each role-based policy accepts.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Roles { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [Authenticated] = PlieRoles.All,
        [Designer] = [PlieRoles.GestionnaireProcedures, PlieRoles.Administrateur],
        [Supervision] = [PlieRoles.Superviseur, PlieRoles.ResponsableAccompagnement, PlieRoles.Administrateur],
        [VersionMigration] =
        [
            PlieRoles.Superviseur, PlieRoles.ResponsableAccompagnement, PlieRoles.GestionnaireProcedures, PlieRoles.Administrateur,
        ],
        [Administration] = [PlieRoles.Administrateur],
    };

    internal static AuthorizationBuilder AddPliePolicies(this AuthorizationBuilder builder)
    {
        foreach (var (name, roles) in Roles)
            builder.AddPolicy(name, p => p.RequireAuthenticatedUser().RequireRole(roles));
        builder.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
        var authenticated = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(PlieRoles.All).Build();
        return builder.SetDefaultPolicy(authenticated).SetFallbackPolicy(authenticated);
    }
}
