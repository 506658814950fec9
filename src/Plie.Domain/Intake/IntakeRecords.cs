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

    /// <summary>A decision as the file's timeline says it.</summary>
    public static string Label(string step, string outcome) => (step, outcome) switch
    {
        (CounsellorOpinion, "favorable") => "Avis du conseiller : favorable",
        (CounsellorOpinion, _) => "Avis du conseiller : défavorable",
        (Validation, "validate") => "Entrée validée par le Responsable",
        (Validation, "refuse") => "Entrée refusée par le Responsable",
        (Validation, _) => "Compléments demandés par le Responsable",
        (DocumentsReview, "accept") => "Pièces justificatives acceptées",
        (DocumentsReview, "missing") => "Pièces manquantes ou refusées",
        (DocumentsReview, _) => "Entrée refusée au contrôle des pièces",
        _ => $"{step} : {outcome}",
    };
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
