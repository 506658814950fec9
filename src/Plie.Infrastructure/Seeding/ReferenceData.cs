using Microsoft.EntityFrameworkCore;
using Plie.Domain.Territory;
using Plie.Infrastructure.Persistence;

namespace Plie.Infrastructure.Seeding;

/// <summary>
/// The 17 communes of the Communauté Urbaine de Dunkerque and their PLIE membership periods. Membership is data: the
/// 2024 action text counts 16 adherent communes of 17, the 2025 text 15 of 17; an administrateur edits the periods.
/// </summary>
public static class ReferenceData
{
    public static readonly (string Insee, string Name, string[] Districts)[] Communes =
    [
        ("59016", "Armbouts-Cappel", []),
        ("59094", "Bourbourg", []),
        ("59107", "Bray-Dunes", []),
        ("59131", "Cappelle-la-Grande", []),
        ("59155", "Coudekerque-Branche", []),
        ("59159", "Craywick", []),
        ("59183", "Dunkerque", ["Malo-les-Bains", "Rosendaël", "Petite-Synthe", "Saint-Pol-sur-Mer", "Fort-Mardyck", "Mardyck"]),
        ("59260", "Ghyvelde", []),
        ("59271", "Grande-Synthe", []),
        ("59272", "Grand-Fort-Philippe", []),
        ("59273", "Gravelines", []),
        ("59340", "Leffrinckoucke", []),
        ("59359", "Loon-Plage", []),
        ("59532", "Saint-Georges-sur-l'Aa", []),
        ("59576", "Spycker", []),
        ("59588", "Téteghem-Coudekerque-Village", []),
        ("59668", "Zuydcoote", []),
    ];

    /// <summary>
    /// Demo membership periods (to be confirmed by the PLIE's administrateur): every commune adheres from 2000-06-01
    /// (the extension of the PLIE to the whole territory) except Craywick, which never did in this demo data, and
    /// Spycker, which left at the end of 2024 — giving 16 of 17 in 2024 and 15 of 17 in 2025, as the texts say.
    /// </summary>
    public static IEnumerable<PlieMembership> DemoMemberships()
    {
        foreach (var (insee, _, _) in Communes)
        {
            if (insee == "59159") continue;
            yield return new PlieMembership
            {
                CommuneInseeCode = insee, From = new DateOnly(2000, 6, 1),
                To = insee == "59576" ? new DateOnly(2024, 12, 31) : null,
            };
        }
    }

    public static async Task SeedAsync(PlieDbContext db, CancellationToken ct)
    {
        if (await db.Communes.AnyAsync(ct)) return;
        foreach (var (insee, name, districts) in Communes)
            db.Communes.Add(new Commune { InseeCode = insee, Name = name, Districts = districts });
        db.Set<PlieMembership>().AddRange(DemoMemberships());
        await db.SaveChangesAsync(ct);
    }
}
