using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.Participants;

namespace Plie.Application.Intake.AdmitParticipant;

/// <summary>The contrat d'engagement is signed: the person becomes a participant PLIE, with an entry date and a référent.</summary>
[WorkflowTopic("intake.admit-participant",
    "Entrée dans le PLIE : la personne devient participante, avec sa date d'entrée et son référent de parcours.")]
public sealed record AdmitParticipantCommand(Guid ParticipantId, string? Referent) : ICommand<AdmitParticipantResult>;

public sealed record AdmitParticipantResult(DateOnly ParticipantEntryDate);

public sealed class AdmitParticipantValidator : AbstractValidator<AdmitParticipantCommand>
{
    public AdmitParticipantValidator() =>
        RuleFor(c => c.ParticipantId).NotEmpty().WithMessage("Le participant est obligatoire.");
}

public sealed class AdmitParticipantHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<AdmitParticipantCommand, AdmitParticipantResult>
{
    public async ValueTask<AdmitParticipantResult> Handle(AdmitParticipantCommand command, CancellationToken ct)
    {
        var participant = await db.Participants.FirstOrDefaultAsync(p => p.Id == command.ParticipantId, ct)
                          ?? throw new NotFoundException($"Le participant {command.ParticipantId} n'existe pas.");
        if (participant.Status != ParticipantStatus.InIntake)
            throw new InvalidOperationException($"Le dossier est « {participant.Status} » : seule une personne en cours d'accueil peut entrer dans le PLIE.");
        participant.Status = ParticipantStatus.Participant;
        participant.EntryDate = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        participant.ReferentUserId = command.Referent ?? participant.ReferentUserId ?? participant.CreatedBy;
        db.Record(user, participant.Id, "intake.admitted", new { participant.EntryDate, participant.ReferentUserId }, clock);
        await db.SaveChangesAsync(ct);
        return new AdmitParticipantResult(participant.EntryDate.Value);
    }
}
