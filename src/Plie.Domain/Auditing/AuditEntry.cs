namespace Plie.Domain.Auditing;

/// <summary>Who did what to a participant's file, and when.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string UserId { get; set; }
    public Guid? ParticipantId { get; set; }
    /// <summary>What was done, e.g. "participant.created", "intake.eligibility-checked".</summary>
    public required string Action { get; set; }
    /// <summary>Details as JSON.</summary>
    public string? Details { get; set; }
}
