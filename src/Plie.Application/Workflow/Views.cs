using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow.Runtime;

namespace Plie.Application.Workflow;

// What the workflow use cases return: plain records, shaped for the API and the screens.

/// <summary>A process instance.</summary>
public sealed record InstanceView(
    Guid Id,
    string ProcessKey,
    int ProcessVersion,
    Guid DefinitionId,
    string? BusinessKey,
    InstanceState State,
    DateTimeOffset StartedAt,
    string? StartedBy,
    DateTimeOffset? EndedAt,
    string? EndReason,
    DateTimeOffset LastActivityAt,
    Guid? ParentInstanceId)
{
    public static InstanceView From(ProcessInstanceRecord i) => new(i.Id, i.DefinitionKey, i.DefinitionVersion, i.DefinitionId,
        i.BusinessKey, i.State, i.StartedAt, i.StartedBy, i.EndedAt, i.EndReason, i.LastActivityAt, i.ParentInstanceId);
}

/// <summary>A user task (an item of the inbox).</summary>
/// <param name="Overdue">Open and due before now.</param>
public sealed record TaskView(
    Guid Id,
    Guid InstanceId,
    string ProcessKey,
    string? BusinessKey,
    string ElementId,
    string? Name,
    string? Assignee,
    IReadOnlyList<string> CandidateGroups,
    IReadOnlyList<string> CandidateUsers,
    DateTimeOffset? DueAt,
    DateTimeOffset? FollowUpAt,
    int Priority,
    string? FormKey,
    UserTaskState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClaimedAt,
    DateTimeOffset? CompletedAt,
    string? CompletedBy,
    bool Overdue)
{
    public static TaskView From(UserTaskRecord t, DateTimeOffset now) => new(t.Id, t.InstanceId, t.ProcessKey, t.BusinessKey,
        t.ElementId, t.Name, t.Assignee, t.CandidateGroups, t.CandidateUsers, t.DueAt, t.FollowUpAt, t.Priority, t.FormKey,
        t.State, t.CreatedAt, t.ClaimedAt, t.CompletedAt, t.CompletedBy, t.State == UserTaskState.Open && t.DueAt < now);
}

/// <summary>A failure that needs someone: a job that has used up its tries.</summary>
public sealed record IncidentView(
    Guid Id,
    Guid InstanceId,
    string ProcessKey,
    string? BusinessKey,
    string ElementId,
    string Message,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    Guid? JobId)
{
    /// <summary>Incidents with the process key and business key of their instance, to order and page before <see cref="From"/>.</summary>
    public static IQueryable<IncidentRow> Join(IQueryable<IncidentRecord> incidents, IQueryable<ProcessInstanceRecord> instances) =>
        incidents.Join(instances, i => i.InstanceId, p => p.Id,
            (i, p) => new IncidentRow { Incident = i, ProcessKey = p.DefinitionKey, BusinessKey = p.BusinessKey });

    public static IncidentView From(IncidentRow row)
    {
        var i = row.Incident;
        return new IncidentView(i.Id, i.InstanceId, row.ProcessKey, row.BusinessKey, i.ElementId, i.Message, i.CreatedAt,
            i.ResolvedAt, i.ResolvedBy, i.JobId);
    }
}

/// <summary>An incident read with its instance's keys (a query shape: EF orders and pages on its members).</summary>
public sealed class IncidentRow
{
    public required IncidentRecord Incident { get; init; }
    public required string ProcessKey { get; init; }
    public string? BusinessKey { get; init; }
}

public static class WorkflowVariables
{
    /// <summary>Request variables as the engine takes them: the values are the JSON nodes themselves.</summary>
    public static IReadOnlyDictionary<string, object?>? ToEngine(JsonObject? variables) =>
        variables?.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);

    /// <summary>The process-scope variables of an instance, as one JSON object (by name).</summary>
    public static async Task<JsonObject> ReadAsync(IPlieDbContext db, Guid instanceId, CancellationToken ct)
    {
        var records = await db.Variables.AsNoTracking()
            .Where(v => v.InstanceId == instanceId && v.ExecutionId == null)
            .ToListAsync(ct);
        var json = new JsonObject();
        foreach (var v in records.OrderBy(v => v.Name, StringComparer.Ordinal)) json[v.Name] = VariableValues.Read(v);
        return json;
    }

    /// <summary>Null (no variables) or an object whose keys are names.</summary>
    public static bool AreValid(JsonObject? variables) =>
        variables is null || variables.All(kv => !string.IsNullOrWhiteSpace(kv.Key) && kv.Key.Length <= MaxNameLength);

    public const int MaxNameLength = 200;
    public const string InvalidMessage = "Chaque variable doit avoir un nom non vide de 200 caractères au plus.";
}
