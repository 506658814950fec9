using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.ReferenceData;

namespace Plie.Application.ReferenceData;

/// <summary>Adds or changes an entry of a reference list, with its validity dates (administrateur).</summary>
public sealed record SaveReferenceItemCommand(int? Id, string Kind, string Code, string Label, DateOnly ValidFrom, DateOnly? ValidTo,
    IReadOnlyList<string>? RequiredFor, bool Required = true) : ICommand<int>;

public sealed class SaveReferenceItemValidator : AbstractValidator<SaveReferenceItemCommand>
{
    public SaveReferenceItemValidator()
    {
        RuleFor(c => c.Kind).Must(k => k is ReferenceKinds.PrescriberType or ReferenceKinds.PriorityPublic or ReferenceKinds.ObstacleTheme
            or ReferenceKinds.DocumentType).WithMessage("Liste inconnue.");
        RuleFor(c => c.Code).NotEmpty().Matches("^[a-z0-9-]+$").WithMessage("Le code est en minuscules, chiffres et tirets.");
        RuleFor(c => c.Label).NotEmpty().WithMessage("Le libellé est obligatoire.").MaximumLength(200);
        RuleFor(c => c.ValidTo).Must((c, to) => to is null || to >= c.ValidFrom).WithMessage("La fin de validité précède son début.");
    }
}

public sealed class SaveReferenceItemHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock) : ICommandHandler<SaveReferenceItemCommand, int>
{
    public async ValueTask<int> Handle(SaveReferenceItemCommand command, CancellationToken ct)
    {
        if (!user.IsInRole(PlieRoles.Administrateur)) throw new UnauthorizedAccessException("Réservé aux administrateurs.");
        var item = command.Id is { } id
            ? await db.ReferenceItems.FirstOrDefaultAsync(i => i.Id == id, ct) ?? throw new NotFoundException("Cette entrée n'existe pas.")
            : null;
        if (await db.ReferenceItems.AnyAsync(i => i.Kind == command.Kind && i.Code == command.Code && (item == null || i.Id != item.Id), ct))
            throw new ValidationException($"Le code « {command.Code} » existe déjà dans cette liste.");
        item ??= db.ReferenceItems.Add(new ReferenceItem { Kind = command.Kind, Code = command.Code, Label = command.Label }).Entity;
        item.Code = command.Code;
        item.Label = command.Label.Trim();
        item.ValidFrom = command.ValidFrom;
        item.ValidTo = command.ValidTo;
        item.RequiredFor = command.RequiredFor?.ToArray() ?? [];
        item.Required = command.Required;
        db.Record(user, null, "reference.item-saved", command, clock);
        await db.SaveChangesAsync(ct);
        return item.Id;
    }
}
