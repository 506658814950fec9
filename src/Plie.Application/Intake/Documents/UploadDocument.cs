using System.Security.Cryptography;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.Intake;
using Plie.Domain.ReferenceData;
using Plie.Workflow;

namespace Plie.Application.Intake.Documents;

/// <summary>
/// Adds a pièce justificative to the file (PDF, JPEG or PNG, judged from the content; 10 MB at most). When the intake
/// case waits for missing documents and every required one is now provided, the case resumes.
/// </summary>
public sealed record UploadDocumentCommand(Guid ParticipantId, string TypeCode, string FileName, byte[] Content)
    : ICommand<UploadDocumentResult>;

public sealed record UploadDocumentResult(Guid DocumentId, string ContentType, bool CaseResumed);

public sealed class UploadDocumentValidator : AbstractValidator<UploadDocumentCommand>
{
    public UploadDocumentValidator()
    {
        RuleFor(c => c.ParticipantId).NotEmpty().WithMessage("Le participant est obligatoire.");
        RuleFor(c => c.TypeCode).NotEmpty().WithMessage("Choisissez le type de pièce.");
        RuleFor(c => c.FileName).NotEmpty().WithMessage("Le fichier n'a pas de nom.").MaximumLength(255);
        RuleFor(c => c.Content).NotEmpty().WithMessage("Le fichier est vide.")
            .Must(c => c.LongLength <= SupportingDocument.MaxBytes).WithMessage("Le fichier dépasse 10 Mo.")
            .Must(c => SupportingDocument.SniffContentType(c) is not null)
            .WithMessage("Seuls les fichiers PDF, JPEG et PNG sont acceptés.");
    }
}

public sealed class UploadDocumentHandler(IPlieDbContext db, IWorkflowEngine engine, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<UploadDocumentCommand, UploadDocumentResult>
{
    public async ValueTask<UploadDocumentResult> Handle(UploadDocumentCommand command, CancellationToken ct)
    {
        if (!await db.Participants.VisibleTo(user).AnyAsync(p => p.Id == command.ParticipantId, ct))
            throw new NotFoundException("Ce dossier n'existe pas ou ne vous est pas accessible.");
        if (!await db.ReferenceItems.AnyAsync(r => r.Kind == ReferenceKinds.DocumentType && r.Code == command.TypeCode, ct))
            throw new ValidationException($"Type de pièce inconnu : {command.TypeCode}.");
        var document = new SupportingDocument
        {
            Id = Guid.CreateVersion7(), ParticipantId = command.ParticipantId, TypeCode = command.TypeCode,
            FileName = Path.GetFileName(command.FileName), ContentType = SupportingDocument.SniffContentType(command.Content)!,
            Size = command.Content.LongLength, Sha256 = Convert.ToHexStringLower(SHA256.HashData(command.Content)),
            Content = command.Content, UploadedAt = clock.GetUtcNow(), UploadedBy = user.Id, Status = DocumentStatus.Pending,
        };
        db.SupportingDocuments.Add(document);
        db.Record(user, command.ParticipantId, "document.uploaded", new { document.TypeCode, document.FileName, document.Size, document.Sha256 }, clock);
        await db.SaveChangesAsync(ct);

        var resumed = false;
        var businessKey = command.ParticipantId.ToString();
        var waiting = await db.MessageSubscriptions.AnyAsync(s => s.MessageName == DocumentsStatus.DocumentsUploadedMessage
                                                                 && s.BusinessKey == businessKey && s.InstanceId != null, ct);
        if (waiting)
        {
            var required = await DocumentsStatus.RequiredAsync(db, command.ParticipantId, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
            if (DocumentsStatus.AllProvided(required))
            {
                await engine.CorrelateMessageAsync(DocumentsStatus.DocumentsUploadedMessage, businessKey, null, user.Id, ct);
                resumed = true;
            }
        }
        return new UploadDocumentResult(document.Id, document.ContentType, resumed);
    }
}
