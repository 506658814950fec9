using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.Designer;

namespace Plie.Application.Designer.Drafts;

// The manager's drafts: one per process key, kept on the server, possibly invalid (work in progress).

/// <summary>What the designer opens: the draft when there is one, else the latest version.</summary>
public sealed record GetDraftQuery(string Key) : IQuery<DesignerModel>;

/// <param name="IsDraft">True when <paramref name="Xml"/> is the draft; false when it is the latest published version.</param>
/// <param name="Version">The version shown (not a draft) or the draft's base version.</param>
/// <param name="Revision">The draft's revision (what a save or a publish expects, so that nobody overwrites a draft saved
/// by someone else meanwhile without knowing it); 0 when there is no draft.</param>
public sealed record DesignerModel(string Key, string? Name, string Xml, bool IsDraft, int? Version, int? LatestVersion,
    DateTimeOffset? SavedAt, string? SavedBy, int Revision = 0);

/// <summary>Saves (or imports) the draft of a process. Any well-formed XML is accepted: the deploy check comes at publish.</summary>
/// <param name="ExpectedRevision">The draft revision the user started from (0: no draft then); refused (conflict) when the
/// draft has been saved, published or discarded by someone else since. Null: no check (last write wins).</param>
public sealed record SaveDraftCommand(string Key, string Xml, int? ExpectedRevision = null) : ICommand<DraftSaved>;

public sealed record DraftSaved(string Key, DateTimeOffset SavedAt, string SavedBy, int? BasedOnVersion, int Revision);

public sealed record DiscardDraftCommand(string Key) : ICommand<bool>;

/// <summary>Starts a new process: a draft from the blank model (a start and an end event).</summary>
public sealed record NewProcessCommand(string Key, string Name) : ICommand<DraftSaved>;

internal static class DraftRules
{
    /// <summary>A BPMN process id: an XML name without colon (what the engine and bpmn-js accept).</summary>
    public static IRuleBuilderOptions<T, string> ProcessKey<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("La clé du processus est obligatoire.")
            .MaximumLength(200).WithMessage("La clé du processus fait 200 caractères au plus.")
            .Matches("^[A-Za-z_][A-Za-z0-9_.-]*$")
            .WithMessage("La clé du processus commence par une lettre et ne contient que des lettres sans accent, chiffres, « - », « _ » ou « . ».");
}

public sealed class GetDraftValidator : AbstractValidator<GetDraftQuery>
{
    public GetDraftValidator() => RuleFor(q => q.Key).ProcessKey();
}

public sealed class SaveDraftValidator : AbstractValidator<SaveDraftCommand>
{
    public SaveDraftValidator()
    {
        RuleFor(c => c.Key).ProcessKey();
        RuleFor(c => c.Xml).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Le modèle est vide : rien à enregistrer.")
            .MaximumLength(BpmnDocument.MaxChars).WithMessage($"Le modèle dépasse la taille maximale de {BpmnDocument.MaxChars / (1024 * 1024)} Mo.")
            .Custom((xml, context) =>
            {
                if (BpmnDocument.TryParse(xml, out var error) is null)
                    context.AddFailure("Xml", $"Le brouillon n'est pas enregistré : {error} Importez un fichier .bpmn (XML BPMN 2.0).");
            });
    }
}

public sealed class DiscardDraftValidator : AbstractValidator<DiscardDraftCommand>
{
    public DiscardDraftValidator() => RuleFor(c => c.Key).ProcessKey();
}

public sealed class NewProcessValidator : AbstractValidator<NewProcessCommand>
{
    public NewProcessValidator()
    {
        RuleFor(c => c.Key).ProcessKey();
        RuleFor(c => c.Name).NotEmpty().WithMessage("Le nom de la procédure est obligatoire.")
            .MaximumLength(200).WithMessage("Le nom de la procédure fait 200 caractères au plus.");
    }
}

public sealed class GetDraftHandler(IPlieDbContext db) : IQueryHandler<GetDraftQuery, DesignerModel>
{
    public async ValueTask<DesignerModel> Handle(GetDraftQuery query, CancellationToken ct)
    {
        var latest = await db.ProcessDefinitions.AsNoTracking().Where(d => d.Key == query.Key)
            .OrderByDescending(d => d.Version).Select(d => new { d.Version, d.Name, d.Xml }).FirstOrDefaultAsync(ct);
        var draft = await db.ProcessDrafts.AsNoTracking().FirstOrDefaultAsync(d => d.Key == query.Key, ct);
        if (draft is not null)
            return new DesignerModel(query.Key, draft.Name, draft.Xml, true, draft.BasedOnVersion, latest?.Version, draft.SavedAt, draft.SavedBy,
                draft.Revision);
        if (latest is null) throw new NotFoundException($"La procédure « {query.Key} » n'existe pas (ni version publiée, ni brouillon).");
        return new DesignerModel(query.Key, latest.Name, latest.Xml, false, latest.Version, latest.Version, null, null);
    }
}

public sealed class SaveDraftHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock) : ICommandHandler<SaveDraftCommand, DraftSaved>
{
    public async ValueTask<DraftSaved> Handle(SaveDraftCommand command, CancellationToken ct)
    {
        var draft = await db.ProcessDrafts.FirstOrDefaultAsync(d => d.Key == command.Key, ct);
        DraftRevision.Ensure(draft, command.ExpectedRevision);
        var latest = await db.ProcessDefinitions.Where(d => d.Key == command.Key).MaxAsync(d => (int?)d.Version, ct);
        if (draft is null)
        {
            draft = new ProcessDraft { Key = command.Key, Xml = command.Xml, SavedBy = user.Id, BasedOnVersion = latest };
            db.ProcessDrafts.Add(draft);
        }
        draft.Xml = command.Xml;
        draft.Name = BpmnDocument.ProcessIdentity(command.Xml).Name;
        draft.SavedAt = clock.GetUtcNow();
        draft.SavedBy = user.Id;
        draft.Revision++;
        db.Record(user, null, "procedure.draft-saved", new { key = command.Key, basedOnVersion = draft.BasedOnVersion }, clock);
        await db.SaveChangesAsync(ct);
        return new DraftSaved(draft.Key, draft.SavedAt, draft.SavedBy, draft.BasedOnVersion, draft.Revision);
    }
}

/// <summary>The check that keeps two managers from overwriting each other's draft unknowingly.</summary>
internal static class DraftRevision
{
    public static void Ensure(ProcessDraft? draft, int? expected)
    {
        if (expected is not { } revision || (draft?.Revision ?? 0) == revision) return;
        var since = revision == 0 ? "depuis que vous avez ouvert la procédure" : "depuis votre dernier enregistrement";
        throw new Plie.Workflow.WorkflowConflictException(draft is null
            ? $"Le brouillon a été publié ou abandonné par quelqu'un d'autre {since}. Téléchargez votre version (.bpmn) pour la garder, puis rechargez la page."
            : $"{draft.SavedBy} a enregistré ce brouillon le {ParisTime.Format(draft.SavedAt)} {since} : " +
              "vos modifications ne l'écrasent pas. Téléchargez votre version (.bpmn) pour la garder, puis rechargez la page pour voir la sienne.");
    }
}

public sealed class DiscardDraftHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock) : ICommandHandler<DiscardDraftCommand, bool>
{
    public async ValueTask<bool> Handle(DiscardDraftCommand command, CancellationToken ct)
    {
        var draft = await db.ProcessDrafts.FirstOrDefaultAsync(d => d.Key == command.Key, ct)
                    ?? throw new NotFoundException($"La procédure « {command.Key} » n'a pas de brouillon.");
        db.ProcessDrafts.Remove(draft);
        db.Record(user, null, "procedure.draft-discarded", new { key = command.Key }, clock);
        await db.SaveChangesAsync(ct);
        return true;
    }
}

public sealed class NewProcessHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock) : ICommandHandler<NewProcessCommand, DraftSaved>
{
    public async ValueTask<DraftSaved> Handle(NewProcessCommand command, CancellationToken ct)
    {
        if (await db.ProcessDefinitions.AnyAsync(d => d.Key == command.Key, ct) || await db.ProcessDrafts.AnyAsync(d => d.Key == command.Key, ct))
            throw new Plie.Workflow.WorkflowConflictException($"Une procédure de clé « {command.Key} » existe déjà : ouvrez-la ou choisissez une autre clé.");
        var draft = new ProcessDraft
        {
            Key = command.Key, Name = command.Name.Trim(), Xml = BpmnDocument.Blank(command.Key, command.Name.Trim()),
            SavedAt = clock.GetUtcNow(), SavedBy = user.Id, Revision = 1,
        };
        db.ProcessDrafts.Add(draft);
        db.Record(user, null, "procedure.created", new { key = command.Key, name = draft.Name }, clock);
        await db.SaveChangesAsync(ct);
        return new DraftSaved(draft.Key, draft.SavedAt, draft.SavedBy, null, draft.Revision);
    }
}
