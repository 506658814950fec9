namespace Plie.Domain.Intake;

public enum DocumentStatus { Pending, Accepted, Refused }

/// <summary>A pièce justificative uploaded to the file and reviewed by the Département Statistiques.</summary>
public sealed class SupportingDocument
{
    public const long MaxBytes = 10 * 1024 * 1024;

    public Guid Id { get; set; }
    public Guid ParticipantId { get; set; }
    /// <summary>The document type code (reference data), e.g. piece-identite.</summary>
    public required string TypeCode { get; set; }
    public required string FileName { get; set; }
    /// <summary>application/pdf, image/jpeg or image/png, from the content itself.</summary>
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public byte[] Content { get; set; } = [];
    public DateTimeOffset UploadedAt { get; set; }
    public required string UploadedBy { get; set; }
    public DocumentStatus Status { get; set; }
    public string? ReviewReason { get; set; }
    public string? ReviewedBy { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }

    /// <summary>The content type from the first bytes (never from the name or the browser's claim); null if not allowed.</summary>
    public static string? SniffContentType(ReadOnlySpan<byte> head) =>
        head.StartsWith("%PDF-"u8) ? "application/pdf"
        : head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF ? "image/jpeg"
        : head.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }) ? "image/png"
        : null;
}
