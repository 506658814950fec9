using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.ReferenceData;

namespace Plie.Application.ReferenceData;

/// <summary>
/// Adds or changes an antenne, the communes it covers and its validity dates (administrateur). Files and accounts are tied
/// to an antenne by its name: renaming it moves its participants' files (each audited) and the local accounts with it, so
/// that its counsellors keep seeing their files.
/// </summary>
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

public sealed class SaveAntenneHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock, IUserDirectory accounts)
    : ICommandHandler<SaveAntenneCommand, string>
{
    public async ValueTask<string> Handle(SaveAntenneCommand command, CancellationToken ct)
    {
        if (!user.IsInRole(PlieRoles.Administrateur)) throw new UnauthorizedAccessException("Réservé aux administrateurs.");
        var known = await db.Communes.Select(c => c.InseeCode).ToListAsync(ct);
        var unknown = command.CommuneInseeCodes.Except(known).ToList();
        if (unknown.Count > 0) throw new ValidationException($"Communes inconnues : {string.Join(", ", unknown)}.");
        var name = command.Name.Trim();
        if (await db.Antennes.AnyAsync(a => a.Code != command.Code && a.Name == name, ct))
            throw new ValidationException($"Une autre antenne s'appelle déjà « {name} ».");
        var antenne = await db.Antennes.FirstOrDefaultAsync(a => a.Code == command.Code, ct)
                      ?? db.Antennes.Add(new Antenne { Code = command.Code, Name = name }).Entity;
        var renamedFrom = antenne.Name != name ? antenne.Name : null;
        antenne.Name = name;
        antenne.CommuneInseeCodes = command.CommuneInseeCodes.Distinct().ToArray();
        antenne.ValidFrom = command.ValidFrom;
        antenne.ValidTo = command.ValidTo;
        db.Record(user, null, "reference.antenne-saved", command, clock);
        if (renamedFrom is not null)
        {
            // The accounts first: if saving the files fails, saving again (the antenne still has its old name) moves them.
            await accounts.RenameAntenneAsync(renamedFrom, name, ct);
            var files = await db.Participants.Where(p => p.Antenne == renamedFrom).ToListAsync(ct);
            foreach (var participant in files)
            {
                participant.Antenne = name;
                db.Record(user, participant.Id, "participant.antenne-renamed", new { from = renamedFrom, to = name }, clock);
            }
        }
        await db.SaveChangesAsync(ct);
        return antenne.Code;
    }
}
