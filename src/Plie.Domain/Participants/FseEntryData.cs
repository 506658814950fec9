namespace Plie.Domain.Participants;

/// <summary>
/// The FSE+ (European Social Fund Plus) entry data. The person may decline the sensitive items (disability, housing
/// exclusion, foreign origin); what is missing otherwise is flagged on the file, never silently accepted.
/// </summary>
public sealed class FseEntryData
{
    public static readonly string[] EmploymentStatuses = ["chomeur", "chomeur-longue-duree", "inactif", "en-emploi"];
    public static readonly string[] EducationLevels = ["isced-0-2", "isced-3-4", "isced-5-8"];

    /// <summary>chomeur, chomeur-longue-duree, inactif, en-emploi.</summary>
    public string? EmploymentStatus { get; set; }
    /// <summary>isced-0-2, isced-3-4, isced-5-8.</summary>
    public string? EducationLevel { get; set; }
    public bool? Disability { get; set; }
    public bool? HousingExclusion { get; set; }
    public bool? ForeignOrigin { get; set; }
    /// <summary>The person declined to answer the sensitive items.</summary>
    public bool DeclinedSensitiveItems { get; set; }

    /// <summary>What is missing, in French, for the file's warning.</summary>
    public IReadOnlyList<string> Missing(string? phone, string? email)
    {
        var missing = new List<string>();
        if (EmploymentStatus is null) missing.Add("situation vis-à-vis de l'emploi");
        if (EducationLevel is null) missing.Add("niveau de formation (CITE)");
        if (!DeclinedSensitiveItems)
        {
            if (Disability is null) missing.Add("handicap (ou refus de répondre)");
            if (HousingExclusion is null) missing.Add("exclusion du logement (ou refus de répondre)");
            if (ForeignOrigin is null) missing.Add("origine étrangère (ou refus de répondre)");
        }
        if (string.IsNullOrWhiteSpace(phone) && string.IsNullOrWhiteSpace(email))
            missing.Add("téléphone ou e-mail pour l'enquête à 6 mois");
        return missing;
    }
}
