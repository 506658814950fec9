using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Application.Workflow.GetInstanceView;

/// <summary>
/// Everything the instance viewer shows of one case: its diagram with where it stands and the path it took, its history
/// in French, variables, open tasks, timers, incidents, the newer versions it could move to and what the user may do.
/// Seen by whoever may see the participant; reading it is audited on the participant's file.
/// </summary>
public sealed record GetInstanceViewQuery(Guid InstanceId) : IQuery<InstanceOverview>;

/// <param name="Xml">The BPMN XML of the instance's version.</param>
/// <param name="ActiveElementIds">Where the case stands: waiting tokens, open tasks, pending timers.</param>
/// <param name="CompletedElementIds">Elements left and sequence flows taken (the path).</param>
/// <param name="IncidentElementIds">Elements with an open incident.</param>
/// <param name="ParticipantId">The participant the case is about, if any.</param>
public sealed record InstanceOverview(
    InstanceView Instance,
    string? ProcessName,
    string Xml,
    IReadOnlyList<string> ActiveElementIds,
    IReadOnlyList<string> CompletedElementIds,
    IReadOnlyList<string> IncidentElementIds,
    IReadOnlyList<InstanceHistoryEntry> History,
    JsonObject Variables,
    IReadOnlyList<InstanceTask> OpenTasks,
    IReadOnlyList<InstanceTimer> Timers,
    IReadOnlyList<InstanceIncident> Incidents,
    IReadOnlyList<VersionChoice> NewerVersions,
    IReadOnlyList<CalledInstance> CalledInstances,
    InstanceActions Actions,
    Guid? ParticipantId,
    string? ParticipantName);

/// <param name="What">What happened, in French.</param>
/// <param name="Detail">A French summary of the data (reason, value, error…), if any.</param>
/// <param name="Technical">An engine detail (element left, variable set) the screen may fold away.</param>
public sealed record InstanceHistoryEntry(long Id, DateTimeOffset At, string Type, string What, string? Detail, string? ElementId,
    string? ElementName, Guid? TaskId, string? UserId, string? UserName, bool Technical, JsonNode? Data);

public sealed record InstanceTask(Guid Id, string ElementId, string Name, string? Assignee, string? AssigneeName,
    IReadOnlyList<string> CandidateGroups, DateTimeOffset? DueAt, bool Overdue, DateTimeOffset CreatedAt);

/// <param name="Kind">In French: « Minuterie », « Minuterie de bordure », « Reprise en arrière-plan ».</param>
public sealed record InstanceTimer(Guid Id, string ElementId, string? ElementName, string Kind, DateTimeOffset DueAt, int Retries,
    string? LastError);

public sealed record InstanceIncident(Guid Id, string ElementId, string? ElementName, string Message, string? Details,
    DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt, string? ResolvedBy, string? ResolvedByName);

public sealed record VersionChoice(Guid DefinitionId, int Version, string? Name, DateTimeOffset DeployedAt, string? DeployedBy);

public sealed record CalledInstance(Guid Id, string ProcessKey, int Version, InstanceState State);

/// <summary>What the current user may do on this case now.</summary>
public sealed record InstanceActions(bool Retry, bool Reassign, bool Cancel, bool Migrate);

public sealed class GetInstanceViewValidator : AbstractValidator<GetInstanceViewQuery>
{
    public GetInstanceViewValidator() =>
        RuleFor(q => q.InstanceId).NotEmpty().WithMessage("L'identifiant de l'instance est obligatoire.");
}

public sealed class GetInstanceViewHandler(IPlieDbContext db, ICurrentUser user, IUserDirectory directory, TimeProvider clock,
    DefinitionCache definitions, IWorkflowStore store)
    : IQueryHandler<GetInstanceViewQuery, InstanceOverview>
{
    private const int MaxHistory = 2000;

    public async ValueTask<InstanceOverview> Handle(GetInstanceViewQuery query, CancellationToken ct)
    {
        var id = query.InstanceId;
        var instance = await db.ProcessInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct)
                       ?? throw new NotFoundException("Cette procédure n'existe pas ou ne vous est pas accessible.");
        await InstanceAccess.EnsureVisibleAsync(db, user, instance, ct);
        var now = clock.GetUtcNow();
        // The version's record and parsed model, from the engine's cache (parsed once per version, not per view).
        var (definition, model) = await definitions.GetAsync(instance.DefinitionId, store, ct)
                                  ?? throw new NotFoundException("La version de cette procédure n'existe plus.");
        var executions = await db.Executions.AsNoTracking().Where(e => e.InstanceId == id && e.ActivityId != null)
            .Select(e => e.ActivityId!).ToListAsync(ct);
        var tasks = await db.UserTasks.AsNoTracking().Where(t => t.InstanceId == id && t.State == UserTaskState.Open)
            .OrderBy(t => t.CreatedAt).ToListAsync(ct);
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.InstanceId == id).OrderBy(j => j.DueAt).ToListAsync(ct);
        var incidents = await db.Incidents.AsNoTracking().Where(i => i.InstanceId == id).OrderBy(i => i.CreatedAt).ToListAsync(ct);
        var history = await db.HistoryEvents.AsNoTracking().Where(h => h.InstanceId == id).OrderBy(h => h.Id).Take(MaxHistory)
            .ToListAsync(ct);
        var newer = instance.State == InstanceState.Running
            ? await db.ProcessDefinitions.AsNoTracking()
                .Where(d => d.Key == instance.DefinitionKey && d.Version > instance.DefinitionVersion)
                .OrderByDescending(d => d.Version)
                .Select(d => new VersionChoice(d.Id, d.Version, d.Name, d.DeployedAt, d.DeployedBy)).ToListAsync(ct)
            : [];
        var called = await db.ProcessInstances.AsNoTracking().Where(i => i.ParentInstanceId == id).OrderBy(i => i.StartedAt)
            .Select(i => new CalledInstance(i.Id, i.DefinitionKey, i.DefinitionVersion, i.State)).ToListAsync(ct);
        var participantId = await InstanceAccess.ParticipantOfAsync(db, instance.BusinessKey, ct);
        var participantName = participantId is { } pid
            ? await db.Participants.AsNoTracking().Where(p => p.Id == pid).Select(p => p.FirstName + " " + p.LastName.ToUpper()).FirstOrDefaultAsync(ct)
            : null;

        var names = (await directory.ListAsync(null, ct)).ToDictionary(u => u.Id, u => u.DisplayName, StringComparer.Ordinal);
        var system = new SystemUser();
        string? Name(string? login) => login is null ? null : login == system.Id ? system.DisplayName : names.GetValueOrDefault(login, login);
        // Element names: the current version's, else those the history kept (elements of an earlier version).
        var elementNames = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var h in history.Where(h => h.ElementId is not null && h.ElementName is not null)) elementNames[h.ElementId!] = h.ElementName;
        foreach (var node in model.Nodes.Values)
            if (!string.IsNullOrWhiteSpace(node.Name)) elementNames[node.Id] = node.Name;
        string? ElementName(string elementId) => elementNames.GetValueOrDefault(elementId);

        var completed = new List<string>();
        foreach (var h in history)
        {
            if (h.Type == HistoryTypes.ElementLeft && h.ElementId is { } left) completed.Add(left);
            if (h.Type == HistoryTypes.ElementEntered && Parse(h.Data) is JsonObject { } data && data["via"]?.GetValue<string>() is { } via)
                completed.Add(via);
        }
        var active = executions.Concat(tasks.Select(t => t.ElementId))
            .Concat(jobs.Where(j => j.Kind is JobKind.IntermediateTimer or JobKind.BoundaryTimer).Select(j => j.ElementId));
        var mayAct = ParticipantAccess.Oversees(user) && instance.State == InstanceState.Running;

        if (participantId is not null)
        {
            db.Record(user, participantId, "workflow.instance-viewed", new { InstanceId = id, instance.DefinitionKey }, clock);
            await db.SaveChangesAsync(ct);
        }

        return new InstanceOverview(
            InstanceView.From(instance),
            definition.Name,
            definition.Xml,
            active.Distinct().Order(StringComparer.Ordinal).ToList(),
            completed.Distinct().ToList(),
            incidents.Where(i => i.ResolvedAt is null).Select(i => i.ElementId).Distinct().ToList(),
            history.Select(h => Describe(h, Name, ElementName)).ToList(),
            await WorkflowVariables.ReadAsync(db, id, ct),
            tasks.Select(t => new InstanceTask(t.Id, t.ElementId, t.Name ?? t.ElementId, t.Assignee, Name(t.Assignee), t.CandidateGroups,
                t.DueAt, t.DueAt < now, t.CreatedAt)).ToList(),
            jobs.Where(j => j.Kind != JobKind.TimerStart).Select(j => new InstanceTimer(j.Id, j.ElementId, ElementName(j.ElementId), j.Kind switch
            {
                JobKind.IntermediateTimer => "Minuterie",
                JobKind.BoundaryTimer => "Minuterie de bordure",
                _ => "Reprise en arrière-plan",
            }, j.DueAt, j.Retries, j.LastError)).ToList(),
            incidents.OrderByDescending(i => i.ResolvedAt is null).ThenByDescending(i => i.CreatedAt)
                .Select(i => new InstanceIncident(i.Id, i.ElementId, ElementName(i.ElementId), i.Message, i.Details, i.CreatedAt,
                    i.ResolvedAt, i.ResolvedBy, Name(i.ResolvedBy))).ToList(),
            newer,
            called,
            new InstanceActions(
                Retry: mayAct && incidents.Any(i => i.ResolvedAt is null),
                Reassign: mayAct && tasks.Count > 0,
                Cancel: mayAct,
                Migrate: mayAct && newer.Count > 0),
            participantId,
            participantName);
    }

    /// <summary>A history event in French: what happened and the gist of its data.</summary>
    public static InstanceHistoryEntry Describe(HistoryEventRecord h, Func<string?, string?> name, Func<string, string?> elementName)
    {
        var data = Parse(h.Data) as JsonObject;
        string? Text(string key) => data?[key] is JsonValue v ? VariableValues.AsString(v) : data?[key]?.ToJsonString();
        var shownName = h.ElementName ?? (h.ElementId is { } e ? elementName(e) : null);
        var element = shownName ?? h.ElementId ?? "";
        var (what, detail, technical) = h.Type switch
        {
            HistoryTypes.InstanceStarted => ($"Procédure démarrée (version {Text("version")})", null, false),
            HistoryTypes.InstanceCompleted => ("Procédure terminée", null, false),
            HistoryTypes.InstanceTerminated => ("Procédure arrêtée (fin immédiate)", null, false),
            HistoryTypes.InstanceCancelled => ("Dossier annulé", Text("reason"), false),
            HistoryTypes.InstanceMigrated => ($"Migrée de la version {Text("fromVersion")} à la version {Text("toVersion")}", null, false),
            HistoryTypes.ElementEntered => ($"Étape atteinte : {element}", null, false),
            HistoryTypes.ElementLeft => ($"Étape quittée : {element}", null, true),
            HistoryTypes.ElementCancelled => ($"Étape annulée : {element}", null, false),
            HistoryTypes.TaskCreated => ($"Tâche créée : {element}", TaskCreatedDetail(data, name), false),
            HistoryTypes.TaskClaimed => ($"Tâche prise : {element}", null, false),
            HistoryTypes.TaskUnclaimed => ($"Tâche libérée : {element}", null, false),
            HistoryTypes.TaskAssigned => Text("assignee") is { } to
                ? ($"Tâche confiée à {name(to)} : {element}", null, false)
                : ($"Tâche rendue à ses groupes : {element}", null, false),
            HistoryTypes.TaskCompleted => ($"Tâche terminée : {element}", null, false),
            HistoryTypes.TaskCancelled => ($"Tâche annulée : {element}", null, false),
            HistoryTypes.VariableSet => ($"Variable « {Text("name")} »", Truncate(data?["value"]?.ToJsonString() ?? "null"), true),
            HistoryTypes.MessageCorrelated => ($"Message reçu : « {Text("message")} »", null, false),
            HistoryTypes.JobFailed => ($"Échec : {element}", $"{Text("error")} ({Text("retriesLeft")} essai(s) restant(s))", false),
            HistoryTypes.IncidentCreated => ($"Incident : {element}", Text("message"), false),
            HistoryTypes.IncidentResolved => (Text("action") == "retry" ? $"Incident relancé : {element}" : $"Incident résolu : {element}", null, false),
            HistoryTypes.ErrorThrown => ($"Erreur métier « {Text("errorCode")} » : {element}", Text("message"), false),
            _ => (h.Type, h.Data, true),
        };
        return new InstanceHistoryEntry(h.Id, h.At, h.Type, what, detail, h.ElementId, shownName, h.TaskId, h.UserId, name(h.UserId),
            technical, data);
    }

    private static string? TaskCreatedDetail(JsonObject? data, Func<string?, string?> name)
    {
        if (data is null) return null;
        var parts = new List<string>();
        if (data["assignee"] is JsonValue a && a.GetValueKind() == JsonValueKind.String) parts.Add($"attribuée à {name(a.GetValue<string>())}");
        if (data["candidateGroups"] is JsonArray { Count: > 0 } groups)
            parts.Add("pour " + string.Join(", ", groups.Select(g => PlieRoles.Label(g?.GetValue<string>() ?? ""))));
        return parts.Count == 0 ? null : string.Join(" ; ", parts);
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";

    private static JsonNode? Parse(string? data) => GetInstanceHistory.GetInstanceHistoryHandler.ParseData(data);
}
