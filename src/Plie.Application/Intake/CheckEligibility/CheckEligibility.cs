using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.Participants;

namespace Plie.Application.Intake.CheckEligibility;

/// <summary>The automatic entry checks (age, commune membership at the entry date, availability).</summary>
[WorkflowTopic("intake.check-eligibility",
    "Contrôle automatique de l'éligibilité : 26 ans et plus à la date d'entrée, commune adhérente au PLIE à cette date, disponibilité.")]
public sealed record CheckEligibilityCommand(Guid ParticipantId, DateOnly? EntryDate) : ICommand<CheckEligibilityResult>;

/// <param name="Eligible">Whether every check passed.</param>
/// <param name="EligibilityReasons">Why not, for the conseiller (empty when eligible).</param>
public sealed record CheckEligibilityResult(bool Eligible, string EligibilityReasons);

public sealed class CheckEligibilityValidator : AbstractValidator<CheckEligibilityCommand>
{
    public CheckEligibilityValidator() =>
        RuleFor(c => c.ParticipantId).NotEmpty().WithMessage("Le participant est obligatoire.");
}

public sealed class CheckEligibilityHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<CheckEligibilityCommand, CheckEligibilityResult>
{
    public async ValueTask<CheckEligibilityResult> Handle(CheckEligibilityCommand command, CancellationToken ct)
    {
        var participant = await db.Participants.FirstOrDefaultAsync(p => p.Id == command.ParticipantId, ct)
                          ?? throw new NotFoundException($"Le participant {command.ParticipantId} n'existe pas.");
        var commune = await db.Communes.Include(c => c.Memberships)
            .FirstOrDefaultAsync(c => c.InseeCode == participant.CommuneInseeCode, ct);
        var entryDate = command.EntryDate ?? participant.EntryDate ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var result = Eligibility.Check(participant, commune, entryDate);
        db.Record(user, participant.Id, "intake.eligibility-checked", new { entryDate, result.Eligible, result.Reasons }, clock);
        await db.SaveChangesAsync(ct);
        return new CheckEligibilityResult(result.Eligible, string.Join(Environment.NewLine, result.Reasons));
    }
}
