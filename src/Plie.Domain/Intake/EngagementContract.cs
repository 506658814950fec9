namespace Plie.Domain.Intake;

/// <summary>
/// The contrat d'engagement: generated as a PDF from the file, signed on screen by the participant and the conseiller.
/// Each signature is kept with its time and the hash of the document signed.
/// </summary>
public sealed class EngagementContract
{
    public Guid Id { get; set; }
    public Guid ParticipantId { get; set; }
    public DateTimeOffset GeneratedAt { get; set; }
    /// <summary>SHA-256 of the contract text as generated (what both signed).</summary>
    public required string DocumentSha256 { get; set; }
    public byte[] ParticipantSignaturePng { get; set; } = [];
    public DateTimeOffset ParticipantSignedAt { get; set; }
    public byte[] CounsellorSignaturePng { get; set; } = [];
    public DateTimeOffset CounsellorSignedAt { get; set; }
    public required string CounsellorId { get; set; }
    /// <summary>The signed PDF (the contract with both signatures), and its own SHA-256.</summary>
    public byte[] SignedPdf { get; set; } = [];
    public required string SignedPdfSha256 { get; set; }
}
