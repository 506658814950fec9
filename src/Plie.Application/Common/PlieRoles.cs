namespace Plie.Application.Common;

/// <summary>
/// The roles of Plie's users. Each role id is also a BPMN candidate group id (<c>camunda:candidateGroups</c> in
/// <c>workflows/*.bpmn</c>): a user task offered to a group is offered to the users holding that role.
/// </summary>
public static class PlieRoles
{
    /// <summary>Conseiller, référent de parcours of the participants of one antenne.</summary>
    public const string Conseiller = "conseiller";

    /// <summary>Responsable du Département Accompagnement: validates the intakes.</summary>
    public const string ResponsableAccompagnement = "responsable-accompagnement";

    /// <summary>Département Statistiques: reviews the supporting documents, produces the figures.</summary>
    public const string Statistiques = "statistiques";

    /// <summary>Conseiller emploi of the Candidathèque.</summary>
    public const string ConseillerEmploi = "conseiller-emploi";

    /// <summary>Référent orientation of the Boussole de l'orientation.</summary>
    public const string ReferentOrientation = "referent-orientation";

    /// <summary>Supervises the running procedures (instances, incidents).</summary>
    public const string Superviseur = "superviseur";

    /// <summary>Designs and deploys the procedures (BPMN models): the procedures' manager.</summary>
    public const string GestionnaireProcedures = "gestionnaire-procedures";

    /// <summary>Administers Plie: users, everything.</summary>
    public const string Administrateur = "administrateur";

    /// <summary>Every role, in display order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Conseiller, ResponsableAccompagnement, Statistiques, ConseillerEmploi, ReferentOrientation, Superviseur,
        GestionnaireProcedures, Administrateur,
    ];

    /// <summary>The French label of each role, as shown to users.</summary>
    public static IReadOnlyDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
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

    /// <summary>True for one of the role ids above (case-sensitive, as BPMN candidate groups are).</summary>
    public static bool IsKnown(string role) => Labels.ContainsKey(role);

    /// <summary>The French label of <paramref name="role"/>, or the id itself for an unknown role.</summary>
    public static string Label(string role) => Labels.TryGetValue(role, out var label) ? label : role;
}
