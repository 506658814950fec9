using System.Text.Json.Nodes;
using Plie.Workflow.Runtime;

namespace Plie.Workflow;

/// <summary>
/// The engine's commands. Each call is one step: it runs in one transaction (the caller's, if one is open on the
/// store) until every token waits again, and commits domain writes, engine state and history together, or nothing.
/// </summary>
public interface IWorkflowEngine
{
    /// <summary>Checks a model without deploying it.</summary>
    IReadOnlyList<ValidationError> Validate(string xml);

    /// <summary>Deploys a model: version N+1 if it changed, nothing if it is identical to the latest version.</summary>
    Task<DeploymentResult> DeployAsync(string xml, string? user, CancellationToken ct = default);

    /// <summary>Starts the latest version of <paramref name="processKey"/>.</summary>
    Task<ProcessInstanceRecord> StartAsync(string processKey, string? businessKey,
        IReadOnlyDictionary<string, object?>? variables, string? user, CancellationToken ct = default);

    Task CompleteTaskAsync(Guid taskId, IReadOnlyDictionary<string, object?>? variables, string? user,
        CancellationToken ct = default);

    Task ClaimTaskAsync(Guid taskId, string user, CancellationToken ct = default);
    Task UnclaimTaskAsync(Guid taskId, string? user, CancellationToken ct = default);
    /// <summary>Gives the task to <paramref name="assignee"/> (null: back to the candidate groups).</summary>
    Task AssignTaskAsync(Guid taskId, string? assignee, string? user, CancellationToken ct = default);

    /// <summary>
    /// Delivers a message to the instances waiting for it (with this business key when given); if none waits, starts
    /// the latest process with a matching message start event. Throws <see cref="WorkflowNotFoundException"/> if nothing
    /// took it.
    /// </summary>
    Task<CorrelationResult> CorrelateMessageAsync(string messageName, string? businessKey,
        IReadOnlyDictionary<string, object?>? variables, string? user, CancellationToken ct = default);

    Task CancelInstanceAsync(Guid instanceId, string reason, string? user, CancellationToken ct = default);

    /// <summary>Gives the failed job of an incident a new try, now.</summary>
    Task RetryIncidentAsync(Guid incidentId, string? user, CancellationToken ct = default);

    /// <summary>Runs a job acquired by <paramref name="workerId"/>. A failure is recorded (retries, incident), not thrown.</summary>
    Task<JobOutcome> ExecuteJobAsync(Guid jobId, string workerId, CancellationToken ct = default);

    /// <summary>
    /// Moves a running instance to another version of its process (same key). Refused with
    /// <see cref="WorkflowMigrationRefusedException"/> when an element where the instance stands (a waiting token, an open
    /// task, a timer, a message subscription) does not exist in the target with the same type in the same scope.
    /// Timers and subscriptions keep their due times; open tasks take the target's name, candidate groups and users,
    /// form and priority (assignee, due date and creation stay); the history records the change.
    /// </summary>
    Task<MigrationResult> MigrateInstanceAsync(Guid instanceId, Guid targetDefinitionId, string? user, CancellationToken ct = default);

    /// <summary>Migrates every running instance of version <paramref name="fromVersion"/> of a process to
    /// <paramref name="toVersion"/>, each in its own transaction; one result per instance (migrated or refused, and why).
    /// <paramref name="onMigrated"/> runs inside each migrated instance's transaction, before it commits: what it records
    /// (e.g. an audit entry) commits with the move, or not at all.</summary>
    Task<IReadOnlyList<MigrationResult>> MigrateInstancesAsync(string processKey, int fromVersion, int toVersion, string? user,
        Func<ProcessInstanceRecord, MigrationResult, Task>? onMigrated = null, CancellationToken ct = default);

    /// <summary>What <see cref="MigrateInstancesAsync"/> would do, changing nothing: for each running instance of
    /// <paramref name="fromVersion"/>, whether it can move to <paramref name="toVersion"/> and, if not, why.</summary>
    Task<IReadOnlyList<MigrationCheckResult>> CheckMigrationAsync(string processKey, int fromVersion, int toVersion,
        CancellationToken ct = default);

    /// <summary>The current variables of an instance (process scope).</summary>
    Task<IReadOnlyDictionary<string, JsonNode?>> GetVariablesAsync(Guid instanceId, CancellationToken ct = default);
}

public sealed record ValidationError(string? ElementId, string Message)
{
    public override string ToString() => ElementId is null ? Message : $"{ElementId}: {Message}";
}

public sealed record DeploymentResult(ProcessDefinitionRecord Definition, bool Created);

public sealed record CorrelationResult(IReadOnlyList<Guid> InstanceIds, bool StartedNewInstance);

/// <param name="Refusal">Why the instance was not migrated (null when it was).</param>
public sealed record MigrationResult(Guid InstanceId, int FromVersion, int ToVersion, bool Migrated, string? Refusal = null);

/// <param name="Refusal">Why the instance cannot move (null when it can).</param>
public sealed record MigrationCheckResult(Guid InstanceId, string? Refusal)
{
    public bool CanMigrate => Refusal is null;
}

public enum JobOutcome { Executed, Failed, IncidentCreated, NotFound }

/// <summary>The deploy check refused a model. <see cref="Errors"/> names each element and what is wrong.</summary>
public sealed class WorkflowValidationException(IReadOnlyList<ValidationError> errors)
    : WorkflowException("Le modèle BPMN est invalide : " + string.Join(" ; ", errors))
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}
