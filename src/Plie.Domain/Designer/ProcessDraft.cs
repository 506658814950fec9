namespace Plie.Domain.Designer;

/// <summary>
/// The work in progress of the procedures' manager on one process: at most one draft per process key, kept on the
/// server until it is published (then it becomes version N+1 of the process) or discarded. A draft may be invalid.
/// </summary>
public sealed class ProcessDraft
{
    /// <summary>The process key (the BPMN process id).</summary>
    public required string Key { get; set; }

    /// <summary>The name read from the XML when it could be read.</summary>
    public string? Name { get; set; }

    public required string Xml { get; set; }

    /// <summary>The version the draft was started from; null for a new process.</summary>
    public int? BasedOnVersion { get; set; }

    public DateTimeOffset SavedAt { get; set; }
    public required string SavedBy { get; set; }

    /// <summary>Optimistic concurrency token, incremented by every save.</summary>
    public int Revision { get; set; }
}
