using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Plie.Application.Common;

namespace Plie.Infrastructure.Identity;

/// <summary>One demonstration account.</summary>
public sealed record DemoAccount(string Login, string DisplayName, string Role, string? Antenne);

/// <summary>
/// One account per role, all with the password <see cref="Password"/>, for demonstrations and development only.
/// Seeded at start-up when <c>Plie:Auth:SeedDemoAccounts</c> is true (the default).
/// </summary>
public static class DemoAccounts
{
    /// <summary>The password of every demo account. Public: never leave demo accounts on a real deployment.</summary>
    public const string Password = "plie-demo";

    public static IReadOnlyList<DemoAccount> All { get; } =
    [
        new("conseiller.dunkerque", "Camille Martin", PlieRoles.Conseiller, "Dunkerque-Centre"),
        new("conseiller.grande-synthe", "Karim Benali", PlieRoles.Conseiller, "Grande-Synthe"),
        new("responsable", "Sophie Lefebvre", PlieRoles.ResponsableAccompagnement, null),
        new("statistiques", "Julien Dubois", PlieRoles.Statistiques, null),
        new("conseiller.emploi", "Nadia Caron", PlieRoles.ConseillerEmploi, null),
        new("referent.orientation", "Thomas Vandenbussche", PlieRoles.ReferentOrientation, null),
        new("superviseur", "Isabelle Deswarte", PlieRoles.Superviseur, null),
        new("gestionnaire", "Marc Delattre", PlieRoles.GestionnaireProcedures, null),
        new("admin", "Claire Vermeersch", PlieRoles.Administrateur, null),
    ];

    /// <summary>
    /// Enabled: creates the demo accounts that do not exist yet (an existing account is left as it is). Disabled:
    /// deactivates the demo accounts that still have the demo password, so that turning the option off on a database
    /// seeded earlier leaves no account with a public password.
    /// </summary>
    public static async Task SeedAsync(AuthDbContext db, PlieAccounts accounts, bool enabled, ILogger logger, CancellationToken ct = default)
    {
        var logins = All.Select(a => a.Login).ToList();
        var existing = await db.Users.Where(u => logins.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        if (enabled)
        {
            var created = 0;
            foreach (var account in All.Where(a => !existing.ContainsKey(a.Login)))
            {
                accounts.Create(account.Login, account.DisplayName, Password, [account.Role], account.Antenne);
                created++;
            }
            await db.SaveChangesAsync(ct);
            if (created > 0)
                logger.LogWarning("{Count} demo accounts created, password \"{Password}\": for demonstrations only (Plie:Auth:SeedDemoAccounts)",
                    created, Password);
            return;
        }

        var deactivated = 0;
        foreach (var user in existing.Values.Where(u => u.Active && accounts.HasPassword(u, Password)))
        {
            user.Active = false;
            deactivated++;
        }
        await db.SaveChangesAsync(ct);
        if (deactivated > 0)
            logger.LogWarning("{Count} demo accounts still had the demo password and were deactivated", deactivated);
    }
}
