namespace Plie.Application.Common;

/// <summary>The roles of Plie's users. Each is also the BPMN candidate group of the tasks it does.</summary>
public static class PlieRoles
{
    public const string Conseiller = "conseiller";
    public const string ResponsableAccompagnement = "responsable-accompagnement";
    public const string Statistiques = "statistiques";
    public const string ConseillerEmploi = "conseiller-emploi";
    public const string ReferentOrientation = "referent-orientation";
    public const string Superviseur = "superviseur";
    public const string GestionnaireProcedures = "gestionnaire-procedures";
    public const string Administrateur = "administrateur";

    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        [Conseiller] = "Conseiller (référent de parcours)",
        [ResponsableAccompagnement] = "Responsable du Département Accompagnement",
        [Statistiques] = "Département Statistiques",
        [ConseillerEmploi] = "Conseiller emploi (Candidathèque)",
        [ReferentOrientation] = "Référent orientation (Boussole)",
        [Superviseur] = "Superviseur",
        [GestionnaireProcedures] = "Gestionnaire des procédures",
        [Administrateur] = "Administrateur",
    };

    public static IReadOnlyList<string> All { get; } = Labels.Keys.ToList();
}
