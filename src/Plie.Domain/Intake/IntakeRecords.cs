namespace Plie.Domain.Intake;

/// <summary>An entretien de 1er accueil (diagnosis), with its written report. At most two before the decision.</summary>
public sealed class FirstInterview
{
    public const int MaxBeforeDecision = 2;

    public Guid Id { get; set; }
    public Guid ParticipantId { get; set; }
    public int Number { get; set; }
    public DateOnly HeldOn { get; set; }
    public required string Report { get; set; }
    public required string By { get; set; }
    public DateTimeOffset At { get; set; }
}

public static class IntakeSteps
{
    public const string CounsellorOpinion = "avis-conseiller";
    public const string Validation = "validation";
    public const string DocumentsReview = "controle-pieces";
}

/// <summary>A decision on the entry: the conseiller's opinion, the Responsable's validation, the documents review.</summary>
public sealed class IntakeDecision
{
    public Guid Id { get; set; }
    public Guid ParticipantId { get; set; }
    /// <summary>See <see cref="IntakeSteps"/>.</summary>
    public required string Step { get; set; }
    /// <summary>favorable / defavorable; validate / refuse / more-info; accept / missing / refuse.</summary>
    public required string Outcome { get; set; }
    public string? Reason { get; set; }
    public required string By { get; set; }
    public DateTimeOffset At { get; set; }
}
