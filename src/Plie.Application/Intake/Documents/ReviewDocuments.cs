using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.Intake;
using Plie.Workflow;

namespace Plie.Application.Intake.Documents;

/// <summary>
/// The Département Statistiques reviews each pièce justificative (accept, or refuse with a reason). The outcome: the
/// documents are complete (accept), some are missing or refused (missing: the conseiller collects them), or the entry
/// is refused altogether (with a reason).
/// </summary>
public sealed record ReviewDocumentsCommand(Guid TaskId, IReadOnlyList<DocumentReview> Reviews, bool RefuseEntry,
    string? RefusalReason) : ICommand<ReviewDocumentsResult>;

public sealed record DocumentReview(Guid DocumentId, bool Accepted, string? Reason);

public sealed record ReviewDocumentsResult(string Decision, IReadOnlyList<string> MissingDocuments);

public sealed class ReviewDocumentsValidator : AbstractValidator<ReviewDocumentsCommand>
{
    public ReviewDocumentsValidator()
    {
        RuleFor(c => c.TaskId).NotEmpty().WithMessage("La tâche est obligatoire.");
        RuleForEach(c => c.Reviews).Must(r => r.Accepted || !string.IsNullOrWhiteSpace(r.Reason))
            .WithMessage("Donnez le motif de chaque pièce refusée.");
        RuleFor(c => c.RefusalReason).NotEmpty().When(c => c.RefuseEntry).WithMessage("Donnez le motif du refus d'entrée.");
    }
}

public sealed class ReviewDocumentsHandler(IPlieDbContext db, IWorkflowEngine engine, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<ReviewDocumentsCommand, ReviewDocumentsResult>
{
    public const string FormKey = "intake:documents-review";

    public async ValueTask<ReviewDocumentsResult> Handle(ReviewDocumentsCommand command, CancellationToken ct)
    {
        var task = await db.OpenTaskForAsync(command.TaskId, user, FormKey, ct);
        var participantId = TaskGuard.ParticipantIdOf(task);
        var ids = command.Reviews.Select(r => r.DocumentId).ToList();
        var documents = await db.SupportingDocuments.Where(d => d.ParticipantId == participantId && ids.Contains(d.Id)).ToListAsync(ct);
        if (documents.Count != ids.Distinct().Count()) throw new ValidationException("Une pièce examinée n'appartient pas à ce dossier.");
        var now = clock.GetUtcNow();
        foreach (var review in command.Reviews)
        {
            var document = documents.Single(d => d.Id == review.DocumentId);
            document.Status = review.Accepted ? DocumentStatus.Accepted : DocumentStatus.Refused;
            document.ReviewReason = review.Accepted ? null : review.Reason?.Trim();
            document.ReviewedBy = user.Id;
            document.ReviewedAt = now;
        }
        await db.SaveChangesAsync(ct);

        var required = await DocumentsStatus.RequiredAsync(db, participantId, DateOnly.FromDateTime(now.UtcDateTime), ct);
        var missing = required.Where(r => r.Status != DocumentStatus.Accepted)
            .Select(r => r.Status == DocumentStatus.Refused ? $"{r.Label} (refusée : {r.ReviewReason})" : r.Label).ToList();
        var decision = command.RefuseEntry ? "refuse" : missing.Count == 0 ? "accept" : "missing";
        db.IntakeDecisions.Add(new IntakeDecision
        {
            Id = Guid.CreateVersion7(), ParticipantId = participantId, Step = IntakeSteps.DocumentsReview, Outcome = decision,
            Reason = command.RefuseEntry ? command.RefusalReason : missing.Count > 0 ? string.Join(" ; ", missing) : null,
            By = user.Id, At = now,
        });
        db.Record(user, participantId, "intake.documents-reviewed", new
        {
            decision, reviews = command.Reviews.Select(r => new { r.DocumentId, r.Accepted, r.Reason }), missing,
        }, clock);
        var variables = new Dictionary<string, object?>
        {
            ["documentsDecision"] = decision,
            ["missingDocuments"] = string.Join(" ; ", missing),
        };
        if (command.RefuseEntry) variables["refusalReason"] = command.RefusalReason;
        await engine.CompleteTaskAsync(task.Id, variables, user.Id, ct);
        return new ReviewDocumentsResult(decision, missing);
    }
}
