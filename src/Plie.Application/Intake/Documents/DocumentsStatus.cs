using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.Intake;
using Plie.Domain.ReferenceData;

namespace Plie.Application.Intake.Documents;

/// <summary>For each document type a person must provide: the latest document of that type, if any.</summary>
public sealed record RequiredDocumentStatus(string TypeCode, string Label, Guid? DocumentId, DocumentStatus? Status, string? ReviewReason);

public static class DocumentsStatus
{
    /// <summary>The message the intake case waits for while documents are missing.</summary>
    public const string DocumentsUploadedMessage = "pieces-deposees";

    public static async Task<List<RequiredDocumentStatus>> RequiredAsync(IPlieDbContext db, Guid participantId, DateOnly on,
        CancellationToken ct)
    {
        var publics = await db.Participants.Where(p => p.Id == participantId).Select(p => p.PriorityPublics).FirstAsync(ct);
        var types = await db.ReferenceItems.AsNoTracking().Where(r => r.Kind == ReferenceKinds.DocumentType).ToListAsync(ct);
        var documents = await db.SupportingDocuments.AsNoTracking().Where(d => d.ParticipantId == participantId)
            .OrderByDescending(d => d.UploadedAt).ThenByDescending(d => d.Id)
            .Select(d => new { d.Id, d.TypeCode, d.Status, d.ReviewReason }).ToListAsync(ct);
        return RequiredDocuments.For(types, publics, on).Select(t =>
        {
            var latest = documents.FirstOrDefault(d => d.TypeCode == t.Code);
            return new RequiredDocumentStatus(t.Code, t.Label, latest?.Id, latest?.Status, latest?.ReviewReason);
        }).ToList();
    }

    /// <summary>Every required type has a document that is not refused (waiting for review, or accepted).</summary>
    public static bool AllProvided(IEnumerable<RequiredDocumentStatus> required) =>
        required.All(r => r.Status is DocumentStatus.Pending or DocumentStatus.Accepted);

    public static bool AllAccepted(IEnumerable<RequiredDocumentStatus> required) =>
        required.All(r => r.Status is DocumentStatus.Accepted);
}
