using Microsoft.EntityFrameworkCore;
using Plie.Domain.ReferenceData;
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

    private static readonly DateOnly Since = new(2020, 1, 1);

    /// <summary>The partners who may orient a person to the PLIE (texts of the PLIE du Dunkerquois).</summary>
    public static readonly (string Code, string Label)[] PrescriberTypes =
    [
        ("etat", "État"), ("region", "Région Hauts-de-France"), ("departement", "Département du Nord"),
        ("france-travail", "France Travail"), ("mission-locale", "Mission Locale"), ("cud", "Communauté Urbaine de Dunkerque"),
        ("commune", "Commune"), ("ccas", "CCAS"), ("association", "Association"), ("siae", "SIAE / ACI"),
        ("plie", "Conseiller PLIE (repérage direct)"),
    ];

    public static readonly (string Code, string Label)[] PriorityPublics =
    [
        ("deld", "Demandeur d'emploi de longue durée"), ("rsa", "Bénéficiaire du RSA"),
        ("qpv", "Résident d'un quartier prioritaire (QPV)"), ("rqth", "Reconnaissance de la qualité de travailleur handicapé (RQTH)"),
        ("jeune-difficulte", "Jeune en difficulté"),
    ];

    /// <summary>The social obstacles the accompaniment works on (action "levée des freins").</summary>
    public static readonly (string Code, string Label)[] ObstacleThemes =
    [
        ("mobilite", "Mobilité"), ("sante", "Santé"), ("logement", "Logement"), ("acces-droits", "Accès aux droits"),
        ("budget", "Budget"), ("numerique", "Numérique"), ("garde-enfants", "Garde d'enfants"), ("langue", "Maîtrise du français"),
    ];

    /// <summary>Supporting documents at entry: required from everyone, or for a priority public.</summary>
    public static readonly (string Code, string Label, string[] RequiredFor)[] DocumentTypes =
    [
        ("piece-identite", "Pièce d'identité ou titre de séjour", []),
        ("justificatif-domicile", "Justificatif de domicile", []),
        ("attestation-france-travail", "Attestation d'inscription à France Travail", ["deld"]),
        ("attestation-rsa", "Attestation CAF de droits au RSA", ["rsa"]),
        ("notification-rqth", "Notification RQTH (MDPH)", ["rqth"]),
    ];

    public static readonly (string Code, string Name, string[] Communes)[] Antennes =
    [
        ("dunkerque-centre", "Dunkerque-Centre", ["59183", "59155", "59340", "59668", "59107", "59260"]),
        ("grande-synthe", "Grande-Synthe", ["59271", "59131", "59016", "59576", "59588"]),
        ("gravelines", "Gravelines", ["59273", "59272", "59359", "59094", "59159", "59532"]),
    ];

    public static async Task SeedAsync(PlieDbContext db, CancellationToken ct)
    {
        if (!await db.Communes.AnyAsync(ct))
        {
            foreach (var (insee, name, districts) in Communes)
                db.Communes.Add(new Commune { InseeCode = insee, Name = name, Districts = districts });
            db.Set<PlieMembership>().AddRange(DemoMemberships());
        }
        if (!await db.ReferenceItems.AnyAsync(ct))
        {
            void Add(string kind, string code, string label, string[]? requiredFor = null) =>
                db.ReferenceItems.Add(new ReferenceItem { Kind = kind, Code = code, Label = label, ValidFrom = Since, RequiredFor = requiredFor ?? [] });
            foreach (var (code, label) in PrescriberTypes) Add(ReferenceKinds.PrescriberType, code, label);
            foreach (var (code, label) in PriorityPublics) Add(ReferenceKinds.PriorityPublic, code, label);
            foreach (var (code, label) in ObstacleThemes) Add(ReferenceKinds.ObstacleTheme, code, label);
            foreach (var (code, label, requiredFor) in DocumentTypes) Add(ReferenceKinds.DocumentType, code, label, requiredFor);
        }
        if (!await db.Antennes.AnyAsync(ct))
            foreach (var (code, name, communes) in Antennes)
                db.Antennes.Add(new Antenne { Code = code, Name = name, CommuneInseeCodes = communes, ValidFrom = Since });
        await db.SaveChangesAsync(ct);
    }
}
