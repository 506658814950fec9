namespace Plie.Domain.ReferenceData;

public static class ReferenceKinds
{
    public const string PrescriberType = "prescripteur";
    public const string PriorityPublic = "public-prioritaire";
    public const string ObstacleTheme = "frein";
    public const string DocumentType = "piece";
}

/// <summary>An entry of a reference list (prescriber types, priority publics, obstacle themes, document types), valid
/// over a period. Edited by an administrateur.</summary>
public sealed class ReferenceItem
{
    public int Id { get; set; }
    /// <summary>See <see cref="ReferenceKinds"/>.</summary>
    public required string Kind { get; set; }
    public required string Code { get; set; }
    public required string Label { get; set; }
    public DateOnly ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
    /// <summary>For a document type: the priority publics that require it; empty = required from everyone.</summary>
    public string[] RequiredFor { get; set; } = [];
    /// <summary>For a document type: whether it is required at all (some are optional evidence).</summary>
    public bool Required { get; set; } = true;

    public bool IsValidOn(DateOnly date) => date >= ValidFrom && (ValidTo is null || date <= ValidTo);
}

/// <summary>An antenne of the PLIE and the communes it covers.</summary>
public sealed class Antenne
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string[] CommuneInseeCodes { get; set; } = [];
    public DateOnly ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
}

public static class RequiredDocuments
{
    /// <summary>The document types a person must provide at entry, given their priority publics, on a date.</summary>
    public static IReadOnlyList<ReferenceItem> For(IEnumerable<ReferenceItem> types, IReadOnlyCollection<string> priorityPublics, DateOnly on) =>
        types.Where(t => t.Kind == ReferenceKinds.DocumentType && t.Required && t.IsValidOn(on)
                         && (t.RequiredFor.Length == 0 || t.RequiredFor.Any(priorityPublics.Contains)))
            .OrderBy(t => t.Label, StringComparer.Ordinal).ToList();
}
