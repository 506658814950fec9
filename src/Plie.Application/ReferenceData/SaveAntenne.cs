using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.ReferenceData;

namespace Plie.Application.ReferenceData;

/// <summary>Adds or changes an antenne, the communes it covers and its validity dates (administrateur).</summary>
public sealed record SaveAntenneCommand(string Code, string Name, IReadOnlyList<string> CommuneInseeCodes, DateOnly ValidFrom,
    DateOnly? ValidTo) : ICommand<string>;

public sealed class SaveAntenneValidator : AbstractValidator<SaveAntenneCommand>
{
    public SaveAntenneValidator()
    {
        RuleFor(c => c.Code).NotEmpty().Matches("^[a-z0-9-]+$").WithMessage("Le code est en minuscules, chiffres et tirets.");
        RuleFor(c => c.Name).NotEmpty().WithMessage("Le nom de l'antenne est obligatoire.").MaximumLength(100);
        RuleFor(c => c.ValidTo).Must((c, to) => to is null || to >= c.ValidFrom).WithMessage("La fin de validité précède son début.");
    }
}

public sealed class SaveAntenneHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock) : ICommandHandler<SaveAntenneCommand, string>
{
    public async ValueTask<string> Handle(SaveAntenneCommand command, CancellationToken ct)
    {
        if (!user.IsInRole(PlieRoles.Administrateur)) throw new UnauthorizedAccessException("Réservé aux administrateurs.");
        var known = await db.Communes.Select(c => c.InseeCode).ToListAsync(ct);
        var unknown = command.CommuneInseeCodes.Except(known).ToList();
        if (unknown.Count > 0) throw new ValidationException($"Communes inconnues : {string.Join(", ", unknown)}.");
        var antenne = await db.Antennes.FirstOrDefaultAsync(a => a.Code == command.Code, ct)
                      ?? db.Antennes.Add(new Antenne { Code = command.Code, Name = command.Name }).Entity;
        antenne.Name = command.Name.Trim();
        antenne.CommuneInseeCodes = command.CommuneInseeCodes.Distinct().ToArray();
        antenne.ValidFrom = command.ValidFrom;
        antenne.ValidTo = command.ValidTo;
        db.Record(user, null, "reference.antenne-saved", command, clock);
        await db.SaveChangesAsync(ct);
        return antenne.Code;
    }
}
