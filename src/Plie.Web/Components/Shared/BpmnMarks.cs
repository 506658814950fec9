namespace Plie.Web.Components.Shared;

/// <summary>What <see cref="BpmnViewer"/> marks on a diagram, by element id.</summary>
public sealed record BpmnMarks(
    IReadOnlyCollection<string> Active,
    IReadOnlyCollection<string> Completed,
    IReadOnlyCollection<string> Incidents);

/// <summary>A heatmap badge: cases waiting at an element, how many are late, the median wait ("3 j"), a tooltip.</summary>
public sealed record BpmnHeat(string ElementId, int Waiting, int Late, string? Median, string? Title);
