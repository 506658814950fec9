using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Application.Participants;

/// <summary>A document's content, for preview or download, if the user may see its file. Audited.</summary>
public sealed record GetDocumentContentQuery(Guid DocumentId) : IQuery<DocumentContent>;

public sealed record DocumentContent(string FileName, string ContentType, byte[] Content);

public sealed class GetDocumentContentHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : IQueryHandler<GetDocumentContentQuery, DocumentContent>
{
    public async ValueTask<DocumentContent> Handle(GetDocumentContentQuery query, CancellationToken ct)
    {
        var document = await db.SupportingDocuments.AsNoTracking().FirstOrDefaultAsync(d => d.Id == query.DocumentId, ct);
        if (document is null || !await db.Participants.VisibleTo(user).AnyAsync(p => p.Id == document.ParticipantId, ct))
            throw new NotFoundException("Ce document n'existe pas ou ne vous est pas accessible.");
        db.Record(user, document.ParticipantId, "document.viewed", new { document.Id, document.FileName }, clock);
        await db.SaveChangesAsync(ct);
        return new DocumentContent(document.FileName, document.ContentType, document.Content);
    }
}
