using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.Participants;

namespace Plie.Application.Intake.RefuseIntake;

/// <summary>The intake ends with a refusal; the reason stays on the file for the conseiller.</summary>
[WorkflowTopic("intake.refuse", "Refus de l'entrée dans le PLIE, avec son motif (visible par le conseiller).")]
public sealed record RefuseIntakeCommand(Guid ParticipantId, string RefusalReason) : ICommand<RefuseIntakeResult>;

public sealed record RefuseIntakeResult(string ParticipantStatus);

public sealed class RefuseIntakeValidator : AbstractValidator<RefuseIntakeCommand>
{
    public RefuseIntakeValidator()
    {
        RuleFor(c => c.ParticipantId).NotEmpty().WithMessage("Le participant est obligatoire.");
        RuleFor(c => c.RefusalReason).NotEmpty().WithMessage("Le motif du refus est obligatoire.");
    }
}

public sealed class RefuseIntakeHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<RefuseIntakeCommand, RefuseIntakeResult>
{
    public async ValueTask<RefuseIntakeResult> Handle(RefuseIntakeCommand command, CancellationToken ct)
    {
        var participant = await db.Participants.FirstOrDefaultAsync(p => p.Id == command.ParticipantId, ct)
                          ?? throw new NotFoundException($"Le participant {command.ParticipantId} n'existe pas.");
        participant.Status = ParticipantStatus.Refused;
        participant.RefusalReason = command.RefusalReason;
        db.Record(user, participant.Id, "intake.refused", new { command.RefusalReason }, clock);
        await db.SaveChangesAsync(ct);
        return new RefuseIntakeResult(participant.Status.ToString());
    }
}
