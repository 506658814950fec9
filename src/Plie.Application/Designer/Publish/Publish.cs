using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Application.Designer.Drafts;
using Plie.Application.Workflow.ValidateDefinition;
using Plie.Workflow;

namespace Plie.Application.Designer.Publish;

/// <summary>
/// The deploy check on a process's draft (or, without a draft, its latest version): the engine's errors, each on its
/// element, plus « the process id must stay the key ».
/// </summary>
public sealed record ValidateDraftQuery(string Key) : IQuery<DefinitionValidation>;

/// <summary>
/// Publishes the draft: checked, deployed as version N+1 (the next cases start on it, running cases keep theirs), the
/// draft discarded. Refused with the errors when invalid; an unchanged model creates no version.
/// </summary>
/// <param name="ExpectedRevision">The draft revision the user saw; refused (conflict) when someone else saved it since.
/// Null: no check.</param>
public sealed record PublishDraftCommand(string Key, int? ExpectedRevision = null) : ICommand<Published>;

/// <param name="Created">False when the draft was identical to the latest version (nothing new deployed).</param>
public sealed record Published(string Key, int Version, bool Created);

/// <summary>Who published which version of a process, and when (newest first), from the process versions and the audit.</summary>
public sealed record ListPublicationsQuery(string Key) : IQuery<IReadOnlyList<Publication>>;

public sealed record Publication(DateTimeOffset At, string? UserId, string Action, int? Version);

public sealed class ValidateDraftValidator : AbstractValidator<ValidateDraftQuery>
{
    public ValidateDraftValidator() => RuleFor(q => q.Key).ProcessKey();
}

public sealed class PublishDraftValidator : AbstractValidator<PublishDraftCommand>
{
    public PublishDraftValidator() => RuleFor(c => c.Key).ProcessKey();
}

public sealed class ListPublicationsValidator : AbstractValidator<ListPublicationsQuery>
{
    public ListPublicationsValidator() => RuleFor(q => q.Key).ProcessKey();
}

internal static class DraftCheck
{
    /// <summary>The engine's deploy check, and the process id that must be the key the draft is saved under.</summary>
    public static IReadOnlyList<ValidationError> Errors(IWorkflowEngine engine, string key, string xml)
    {
        var errors = engine.Validate(xml).ToList();
        var (id, _) = BpmnDocument.ProcessIdentity(xml);
        if (id is not null && id != key)
            errors.Add(new ValidationError(id, $"L'identifiant du processus doit rester « {key} » (il est « {id} ») : c'est la clé de la procédure."));
        return errors;
    }
}

public sealed class ValidateDraftHandler(IPlieDbContext db, IWorkflowEngine engine) : IQueryHandler<ValidateDraftQuery, DefinitionValidation>
{
    public async ValueTask<DefinitionValidation> Handle(ValidateDraftQuery query, CancellationToken ct)
    {
        var xml = await db.ProcessDrafts.AsNoTracking().Where(d => d.Key == query.Key).Select(d => d.Xml).FirstOrDefaultAsync(ct)
                  ?? await db.ProcessDefinitions.AsNoTracking().Where(d => d.Key == query.Key).OrderByDescending(d => d.Version)
                      .Select(d => d.Xml).FirstOrDefaultAsync(ct)
                  ?? throw new NotFoundException($"La procédure « {query.Key} » n'existe pas.");
        var errors = DraftCheck.Errors(engine, query.Key, xml).Select(e => new ModelError(e.ElementId, e.Message)).ToList();
        return new DefinitionValidation(errors.Count == 0, errors);
    }
}

public sealed class PublishDraftHandler(IPlieDbContext db, IWorkflowEngine engine, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<PublishDraftCommand, Published>
{
    public async ValueTask<Published> Handle(PublishDraftCommand command, CancellationToken ct)
    {
        var draft = await db.ProcessDrafts.FirstOrDefaultAsync(d => d.Key == command.Key, ct)
                    ?? throw new NotFoundException($"La procédure « {command.Key} » n'a pas de brouillon à publier : enregistrez d'abord le brouillon.");
        DraftRevision.Ensure(draft, command.ExpectedRevision);
        var errors = DraftCheck.Errors(engine, command.Key, draft.Xml);
        if (errors.Count > 0) throw new WorkflowValidationException(errors);
        db.ProcessDrafts.Remove(draft);
        // The engine saves the tracked draft removal with the new version, in one transaction.
        var deployed = await engine.DeployAsync(draft.Xml, user.Id, ct);
        db.Record(user, null, "procedure.published",
            new { key = command.Key, version = deployed.Definition.Version, created = deployed.Created }, clock);
        await db.SaveChangesAsync(ct);
        return new Published(command.Key, deployed.Definition.Version, deployed.Created);
    }
}

public sealed class ListPublicationsHandler(IPlieDbContext db) : IQueryHandler<ListPublicationsQuery, IReadOnlyList<Publication>>
{
    public async ValueTask<IReadOnlyList<Publication>> Handle(ListPublicationsQuery query, CancellationToken ct)
    {
        var versions = await db.ProcessDefinitions.AsNoTracking().Where(d => d.Key == query.Key)
            .Select(d => new Publication(d.DeployedAt, d.DeployedBy, "published", d.Version)).ToListAsync(ct);
        // Details is jsonb ({ "key": …, … }): the manager's latest actions are few, filtered here by key.
        var recent = await db.AuditEntries.AsNoTracking()
            .Where(a => a.ParticipantId == null && a.Action.StartsWith("procedure.") && a.Action != "procedure.published")
            .OrderByDescending(a => a.Id).Take(1000)
            .Select(a => new { a.At, a.UserId, a.Action, a.Details }).ToListAsync(ct);
        var audit = recent.Where(a => KeyOf(a.Details) == query.Key)
            .Select(a => new Publication(a.At, a.UserId, a.Action["procedure.".Length..], null));
        return versions.Concat(audit).OrderByDescending(p => p.At).ThenByDescending(p => p.Version).ToList();
    }

    private static string? KeyOf(string? details)
    {
        try
        {
            return details is null ? null : (string?)System.Text.Json.Nodes.JsonNode.Parse(details)?["key"];
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
