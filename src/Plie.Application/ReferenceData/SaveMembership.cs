using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.Territory;

namespace Plie.Application.ReferenceData;

/// <summary>Adds or changes a PLIE membership period of a commune (administrateur). Id null: a new period.</summary>
public sealed record SaveMembershipCommand(string CommuneInseeCode, int? Id, DateOnly From, DateOnly? To) : ICommand<int>;

public sealed class SaveMembershipValidator : AbstractValidator<SaveMembershipCommand>
{
    public SaveMembershipValidator()
    {
        RuleFor(c => c.CommuneInseeCode).NotEmpty().WithMessage("La commune est obligatoire.");
        RuleFor(c => c.To).Must((c, to) => to is null || to >= c.From).WithMessage("La fin de période précède son début.");
    }
}

public sealed class SaveMembershipHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock) : ICommandHandler<SaveMembershipCommand, int>
{
    public async ValueTask<int> Handle(SaveMembershipCommand command, CancellationToken ct)
    {
        if (!user.IsInRole(PlieRoles.Administrateur)) throw new UnauthorizedAccessException("Réservé aux administrateurs.");
        var commune = await db.Communes.Include(c => c.Memberships).FirstOrDefaultAsync(c => c.InseeCode == command.CommuneInseeCode, ct)
                      ?? throw new NotFoundException($"Commune inconnue : {command.CommuneInseeCode}.");
        var membership = command.Id is { } id
            ? commune.Memberships.FirstOrDefault(m => m.Id == id) ?? throw new NotFoundException("Cette période n'existe pas.")
            : new PlieMembership { CommuneInseeCode = commune.InseeCode };
        if (commune.Memberships.Any(m => m != membership && m.From <= (command.To ?? DateOnly.MaxValue) && (m.To ?? DateOnly.MaxValue) >= command.From))
            throw new ValidationException("Cette période chevauche une autre période d'adhésion de la commune.");
        membership.From = command.From;
        membership.To = command.To;
        if (command.Id is null) commune.Memberships.Add(membership);
        db.Record(user, null, "reference.membership-saved", new { command.CommuneInseeCode, command.From, command.To }, clock);
        await db.SaveChangesAsync(ct);
        return membership.Id;
    }
}
