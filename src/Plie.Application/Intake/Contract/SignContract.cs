using System.Security.Cryptography;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.Intake;
using Plie.Workflow;

namespace Plie.Application.Intake.Contract;

/// <summary>
/// Both the participant and the conseiller sign the contract on screen. The signatures are kept with their time and
/// the SHA-256 of the contract text they signed; the signed PDF is kept in the file; the step completes.
/// </summary>
public sealed record SignContractCommand(Guid TaskId, string ParticipantSignaturePng, string CounsellorSignaturePng,
    string DocumentSha256) : ICommand<SignContractResult>;

public sealed record SignContractResult(Guid ContractId, string DocumentSha256);

public sealed class SignContractValidator : AbstractValidator<SignContractCommand>
{
    public SignContractValidator()
    {
        RuleFor(c => c.TaskId).NotEmpty().WithMessage("La tâche est obligatoire.");
        RuleFor(c => c.ParticipantSignaturePng).Must(SignatureImage.IsPng).WithMessage("La signature du participant manque.");
        RuleFor(c => c.CounsellorSignaturePng).Must(SignatureImage.IsPng).WithMessage("La signature du conseiller manque.");
        RuleFor(c => c.DocumentSha256).NotEmpty().WithMessage("Le contrat signé n'est pas identifié.");
    }
}

public static class SignatureImage
{
    /// <summary>A PNG, given as base64 or as a data: URL, of reasonable size.</summary>
    public static byte[]? Decode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var comma = value.IndexOf(',');
        var data = value.StartsWith("data:", StringComparison.Ordinal) && comma > 0 ? value[(comma + 1)..] : value;
        try
        {
            var bytes = Convert.FromBase64String(data);
            return bytes.Length is > 100 and < 2_000_000 && SupportingDocument.SniffContentType(bytes) == "image/png" ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool IsPng(string? value) => Decode(value) is not null;
}

public sealed class SignContractHandler(IPlieDbContext db, IWorkflowEngine engine, ICurrentUser user, TimeProvider clock,
    IContractRenderer renderer) : ICommandHandler<SignContractCommand, SignContractResult>
{
    public const string FormKey = "intake:contract";

    public async ValueTask<SignContractResult> Handle(SignContractCommand command, CancellationToken ct)
    {
        var task = await db.OpenTaskForAsync(command.TaskId, user, FormKey, ct);
        var participantId = TaskGuard.ParticipantIdOf(task);
        var text = await PreviewContract.TextAsync(db, participantId, user, clock, ct);
        if (text.Sha256 != command.DocumentSha256)
            throw new Plie.Workflow.WorkflowConflictException("Le dossier a changé depuis l'affichage du contrat : relisez-le et signez à nouveau.");
        var now = clock.GetUtcNow();
        var signatures = new ContractSignatures(SignatureImage.Decode(command.ParticipantSignaturePng)!, now,
            SignatureImage.Decode(command.CounsellorSignaturePng)!, now, user.DisplayName, text.Sha256);
        byte[] pdf;
        try
        {
            pdf = renderer.Render(text, signatures);
        }
        catch (InvalidDataException e)
        {
            throw new ValidationException("Une signature n'est pas une image lisible : " + e.Message);
        }
        var contract = new EngagementContract
        {
            Id = Guid.CreateVersion7(), ParticipantId = participantId, GeneratedAt = now, DocumentSha256 = text.Sha256,
            ParticipantSignaturePng = signatures.ParticipantPng, ParticipantSignedAt = now,
            CounsellorSignaturePng = signatures.CounsellorPng, CounsellorSignedAt = now, CounsellorId = user.Id,
            SignedPdf = pdf, SignedPdfSha256 = Convert.ToHexStringLower(SHA256.HashData(pdf)),
        };
        db.EngagementContracts.Add(contract);
        db.Record(user, participantId, "intake.contract-signed", new { contract.Id, contract.DocumentSha256, contract.SignedPdfSha256 }, clock);
        await engine.CompleteTaskAsync(task.Id, new Dictionary<string, object?> { ["contractId"] = contract.Id }, user.Id, ct);
        return new SignContractResult(contract.Id, contract.DocumentSha256);
    }
}

/// <summary>The contract as it would be signed now, for the signing screen.</summary>
public sealed record PreviewContractQuery(Guid ParticipantId) : IQuery<ContractPreview>;

public sealed record ContractPreview(string Title, IReadOnlyList<string> Paragraphs, string DocumentSha256);

public sealed class PreviewContractHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : IQueryHandler<PreviewContractQuery, ContractPreview>
{
    public async ValueTask<ContractPreview> Handle(PreviewContractQuery query, CancellationToken ct)
    {
        var text = await PreviewContract.TextAsync(db, query.ParticipantId, user, clock, ct);
        return new ContractPreview(text.Title, text.Paragraphs, text.Sha256);
    }
}

public static class PreviewContract
{
    public static async Task<ContractText> TextAsync(IPlieDbContext db, Guid participantId, ICurrentUser user, TimeProvider clock,
        CancellationToken ct)
    {
        var participant = await db.Participants.AsNoTracking().VisibleTo(user).FirstOrDefaultAsync(p => p.Id == participantId, ct)
                          ?? throw new NotFoundException("Ce dossier n'existe pas ou ne vous est pas accessible.");
        var commune = await db.Communes.Where(c => c.InseeCode == participant.CommuneInseeCode).Select(c => c.Name).FirstOrDefaultAsync(ct);
        return ContractText.For(participant, commune ?? participant.CommuneInseeCode, user.DisplayName,
            DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
    }
}

/// <summary>The signed contract of a file, as a PDF.</summary>
public sealed record GetContractPdfQuery(Guid ParticipantId) : IQuery<byte[]>;

public sealed class GetContractPdfHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock) : IQueryHandler<GetContractPdfQuery, byte[]>
{
    public async ValueTask<byte[]> Handle(GetContractPdfQuery query, CancellationToken ct)
    {
        if (!await db.Participants.VisibleTo(user).AnyAsync(p => p.Id == query.ParticipantId, ct))
            throw new NotFoundException("Ce dossier n'existe pas ou ne vous est pas accessible.");
        var pdf = await db.EngagementContracts.Where(c => c.ParticipantId == query.ParticipantId)
                      .OrderByDescending(c => c.GeneratedAt).Select(c => c.SignedPdf).FirstOrDefaultAsync(ct)
                  ?? throw new NotFoundException("Le contrat d'engagement n'est pas encore signé.");
        db.Record(user, query.ParticipantId, "contract.viewed", null, clock);
        await db.SaveChangesAsync(ct);
        return pdf;
    }
}
