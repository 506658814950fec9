namespace Plie.Workflow.Runtime;

// The engine's persistent state. Plain classes: the store (EF Core, in Plie.Infrastructure) maps them to tables.

/// <summary>One deployed version of a process (key + version), with its XML.</summary>
public sealed class ProcessDefinitionRecord
{
    public Guid Id { get; set; }
    public required string Key { get; set; }
    public int Version { get; set; }
    public string? Name { get; set; }
    public required string Xml { get; set; }
    /// <summary>SHA-256 of the XML: deploying an unchanged model is a no-op.</summary>
    public required string Hash { get; set; }
    public DateTimeOffset DeployedAt { get; set; }
    public string? DeployedBy { get; set; }
}

public enum InstanceState { Running, Completed, Cancelled, Terminated }

public sealed class ProcessInstanceRecord
{
    public Guid Id { get; set; }
    public Guid DefinitionId { get; set; }
    public required string DefinitionKey { get; set; }
    public int DefinitionVersion { get; set; }
    /// <summary>The participant id where relevant; used for message correlation.</summary>
    public string? BusinessKey { get; set; }
    public InstanceState State { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public string? StartedBy { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? EndReason { get; set; }
    /// <summary>When something last happened in the instance (for "idle for N days").</summary>
    public DateTimeOffset LastActivityAt { get; set; }
    public Guid? ParentInstanceId { get; set; }
    public Guid? ParentExecutionId { get; set; }
    /// <summary>Optimistic concurrency token, incremented by every step.</summary>
    public int Revision { get; set; }
}

public enum ExecutionState
{
    /// <summary>Being moved by the current step.</summary>
    Active,
    /// <summary>Waiting at a wait state (user task, timer, message, async job, called instance, scope).</summary>
    Waiting,
    /// <summary>Arrived at a joining gateway, waiting for the other branches.</summary>
    Joining,
}

/// <summary>A token. Top-level tokens have no parent; tokens inside a sub-process or a multi-instance activity
/// have as parent the execution that waits at that activity (the scope).</summary>
public sealed class ExecutionRecord
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public Guid? ParentId { get; set; }
    public string? ActivityId { get; set; }
    public ExecutionState State { get; set; }
    /// <summary>The root of a multi-instance activity: its children are the instances.</summary>
    public bool IsMultiInstanceRoot { get; set; }
    /// <summary>For a child of a multi-instance root: its index.</summary>
    public int? LoopCounter { get; set; }
    /// <summary>For a token that arrived at a join: the sequence flow it came through.</summary>
    public string? ArrivedVia { get; set; }
    public DateTimeOffset EnteredAt { get; set; }
}

public sealed class VariableRecord
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    /// <summary>The scope execution holding a local variable; null for a process variable.</summary>
    public Guid? ExecutionId { get; set; }
    public required string Name { get; set; }
    /// <summary>String, Integer, Double, Boolean, Json or Null.</summary>
    public required string Type { get; set; }
    /// <summary>The value as JSON text (stored as jsonb).</summary>
    public required string Json { get; set; }
}

public enum UserTaskState { Open, Completed, Cancelled }

public sealed class UserTaskRecord
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public Guid ExecutionId { get; set; }
    public required string ProcessKey { get; set; }
    public string? BusinessKey { get; set; }
    public required string ElementId { get; set; }
    public string? Name { get; set; }
    public string? Assignee { get; set; }
    public string[] CandidateGroups { get; set; } = [];
    public string[] CandidateUsers { get; set; } = [];
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset? FollowUpAt { get; set; }
    public int Priority { get; set; } = 50;
    public string? FormKey { get; set; }
    /// <summary>camunda:formField definitions, as JSON, for a generated form.</summary>
    public string? FormFieldsJson { get; set; }
    public UserTaskState State { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClaimedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? CompletedBy { get; set; }
    public int Revision { get; set; }
}

public enum JobKind
{
    /// <summary>camunda:asyncBefore: continue the execution in the background.</summary>
    AsyncContinuation,
    /// <summary>An intermediate timer catch event.</summary>
    IntermediateTimer,
    /// <summary>A timer boundary event on an activity.</summary>
    BoundaryTimer,
    /// <summary>A timer start event: starts a new instance of the definition.</summary>
    TimerStart,
}

public sealed class JobRecord
{
    public Guid Id { get; set; }
    public JobKind Kind { get; set; }
    public Guid? InstanceId { get; set; }
    public Guid? ExecutionId { get; set; }
    /// <summary>For a timer start event: the definition to start.</summary>
    public Guid? DefinitionId { get; set; }
    public required string ElementId { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public int Retries { get; set; }
    public string? LockOwner { get; set; }
    public DateTimeOffset? LockExpiresAt { get; set; }
    /// <summary>For a timeCycle: repetitions left after this one (-1: unbounded); the cycle's interval.</summary>
    public int? RepeatsLeft { get; set; }
    public string? RepeatInterval { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class MessageSubscriptionRecord
{
    public Guid Id { get; set; }
    public required string MessageName { get; set; }
    /// <summary>Null for a message start event (then DefinitionId is set).</summary>
    public Guid? InstanceId { get; set; }
    public Guid? ExecutionId { get; set; }
    public Guid? DefinitionId { get; set; }
    public string? BusinessKey { get; set; }
    public required string ElementId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class IncidentRecord
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public Guid? ExecutionId { get; set; }
    public Guid? JobId { get; set; }
    public required string ElementId { get; set; }
    public required string Message { get; set; }
    public string? Details { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedBy { get; set; }
}

/// <summary>The history: one row per thing that happened, in order (Id is a sequence).</summary>
public sealed class HistoryEventRecord
{
    public long Id { get; set; }
    public Guid InstanceId { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>A <see cref="HistoryTypes"/> constant. ElementEntered carries the sequence flow the token came by
    /// (data: via) when it came by one.</summary>
    public required string Type { get; set; }
    public string? ElementId { get; set; }
    public string? ElementType { get; set; }
    public string? ElementName { get; set; }
    public Guid? TaskId { get; set; }
    public string? UserId { get; set; }
    /// <summary>Details as JSON (variables set, error message, reason…).</summary>
    public string? Data { get; set; }
}

/// <summary>History event types.</summary>
public static class HistoryTypes
{
    public const string InstanceStarted = "InstanceStarted";
    public const string InstanceCompleted = "InstanceCompleted";
    public const string InstanceCancelled = "InstanceCancelled";
    public const string InstanceTerminated = "InstanceTerminated";
    public const string ElementEntered = "ElementEntered";
    public const string ElementLeft = "ElementLeft";
    public const string ElementCancelled = "ElementCancelled";
    public const string TaskCreated = "TaskCreated";
    public const string TaskClaimed = "TaskClaimed";
    public const string TaskUnclaimed = "TaskUnclaimed";
    public const string TaskAssigned = "TaskAssigned";
    public const string TaskCompleted = "TaskCompleted";
    public const string TaskCancelled = "TaskCancelled";
    public const string VariableSet = "VariableSet";
    public const string MessageCorrelated = "MessageCorrelated";
    public const string JobFailed = "JobFailed";
    public const string IncidentCreated = "IncidentCreated";
    public const string IncidentResolved = "IncidentResolved";
    public const string ErrorThrown = "ErrorThrown";
    /// <summary>The instance moved to another version of its process (data: fromVersion, toVersion).</summary>
    public const string InstanceMigrated = "InstanceMigrated";
}
