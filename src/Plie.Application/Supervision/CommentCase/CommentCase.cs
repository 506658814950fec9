using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow.Runtime;

namespace Plie.Application.Supervision.CommentCase;

/// <summary>
/// A supervisor's comment on a case (« relancé par téléphone », « attend le retour de France Travail »…): kept in the
/// case's history as a <see cref="CommentHistory.Type"/> event (who, when, text) and audited on the participant's file.
/// </summary>
public sealed record CommentCaseCommand(Guid InstanceId, string Text) : ICommand<CaseComment>;

public sealed record CaseComment(long Id, Guid InstanceId, DateTimeOffset At, string UserId, string Text);

/// <summary>The history event type of a comment, and its data.</summary>
public static class CommentHistory
{
    public const string Type = "Comment";
    public const int MaxLength = 2000;
}

public sealed class CommentCaseValidator : AbstractValidator<CommentCaseCommand>
{
    public CommentCaseValidator()
    {
        RuleFor(c => c.InstanceId).NotEmpty().WithMessage("L'identifiant du dossier est obligatoire.");
        RuleFor(c => c.Text).NotEmpty().WithMessage("Le commentaire est vide.")
            .Must(t => t is null || !string.IsNullOrWhiteSpace(t)).WithMessage("Le commentaire est vide.")
            .MaximumLength(CommentHistory.MaxLength).WithMessage($"Le commentaire fait {CommentHistory.MaxLength} caractères au plus.")
            .Must(t => t is null || !t.Contains('\0')).WithMessage("Le commentaire contient un caractère interdit.");
    }
}

public sealed class CommentCaseHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<CommentCaseCommand, CaseComment>
{
    public async ValueTask<CaseComment> Handle(CommentCaseCommand command, CancellationToken ct)
    {
        if (!ParticipantAccess.Oversees(user))
            throw new UnauthorizedAccessException("Seuls le superviseur et le Responsable Accompagnement commentent les dossiers.");
        var instance = await db.ProcessInstances.AsNoTracking()
                           .Where(i => i.Id == command.InstanceId)
                           .Select(i => new { i.Id, i.BusinessKey })
                           .FirstOrDefaultAsync(ct)
                       ?? throw new NotFoundException($"Le dossier {command.InstanceId} n'existe pas.");
        var text = command.Text.Trim();
        var at = clock.GetUtcNow();
        var comment = new HistoryEventRecord
        {
            InstanceId = instance.Id, At = at, Type = CommentHistory.Type, UserId = user.Id,
            Data = JsonSerializer.Serialize(new { text, by = user.DisplayName }, JsonSerializerOptions.Web),
        };
        db.HistoryEvents.Add(comment);
        Guid? participantId = Guid.TryParse(instance.BusinessKey, out var pid)
                              && await db.Participants.AnyAsync(p => p.Id == pid, ct) ? pid : null;
        db.Record(user, participantId, "case.commented", new { instanceId = instance.Id, text }, clock);
        await db.SaveChangesAsync(ct);
        return new CaseComment(comment.Id, instance.Id, at, user.Id, text);
    }
}
