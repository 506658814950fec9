using Plie.Workflow.Runtime;

namespace Plie.Workflow.Ports;

/// <summary>
/// Where the engine keeps its state. One instance per unit of work (scoped). Records returned by the Get/Lock
/// methods are tracked: changes to them are written by <see cref="SaveChangesAsync"/>.
/// </summary>
public interface IWorkflowStore
{
    /// <summary>Begins a transaction, or joins the one the caller already opened (then Commit is the caller's job).</summary>
    Task<IWorkflowTransaction> BeginTransactionAsync(CancellationToken ct);

    /// <summary>
    /// Begins a step. Where the store can, the step is optimistic: <see cref="LockAndLoadAsync"/> reads the instance
    /// without locking it and the commit writes everything at once, refused if someone changed the instance since
    /// (its revision), in which case the commit (or a save before it) throws <see cref="WorkflowStaleStateException"/>
    /// and nothing is kept, so the engine can run the step again on fresh state. A store that cannot (a caller's transaction to join,
    /// changes already pending) begins a transaction as <see cref="BeginTransactionAsync"/> does, and never throws
    /// that exception.
    /// </summary>
    Task<IWorkflowTransaction> BeginStepAsync(CancellationToken ct);

    /// <summary>Forgets every tracked record (after a rolled-back step).</summary>
    void Reset();

    Task<ProcessDefinitionRecord?> GetDefinitionAsync(Guid id, CancellationToken ct);
    Task<ProcessDefinitionRecord?> GetLatestDefinitionAsync(string key, CancellationToken ct);
    /// <summary>The id of the latest version of a process, or null; read without tracking (the record itself comes from <see cref="DefinitionCache"/>).</summary>
    Task<Guid?> FindLatestDefinitionIdAsync(string key, CancellationToken ct);

    /// <summary>Loads and row-locks an instance until the transaction ends (SELECT … FOR UPDATE).</summary>
    Task<ProcessInstanceRecord?> LockInstanceAsync(Guid id, CancellationToken ct);
    Task<List<VariableRecord>> GetVariablesAsync(Guid instanceId, CancellationToken ct);
    Task<List<JobRecord>> GetJobsAsync(Guid instanceId, CancellationToken ct);
    Task<List<MessageSubscriptionRecord>> GetSubscriptionsAsync(Guid instanceId, CancellationToken ct);
    Task<List<IncidentRecord>> GetOpenIncidentsAsync(Guid instanceId, CancellationToken ct);

    /// <summary>
    /// What a step needs of an instance, in one round trip: touches the instance — its
    /// <see cref="ProcessInstanceRecord.Revision"/> goes up by one and its <see cref="ProcessInstanceRecord.LastActivityAt"/>
    /// becomes <paramref name="touchedAt"/>, the mark every step leaves on the instances it loads — and reads its
    /// executions, variables and open tasks. Inside a transaction the touch is written at once and row-locks the
    /// instance until the transaction ends; in an optimistic step (<see cref="BeginStepAsync"/>) with no transaction
    /// open yet, it is made on the record only and written by the commit, checked against the revision read. The instance is the one with
    /// <paramref name="instanceId"/>, or, given <paramref name="taskId"/> instead, the one that task belongs to
    /// (whatever the task's state). Null when there is no such instance (or no such task). The records are tracked;
    /// records the context already tracked unchanged are refreshed from the database, not duplicated. The touch is part
    /// of the step: rolled back with it.
    /// </summary>
    Task<InstanceSnapshot?> LockAndLoadAsync(Guid? instanceId, Guid? taskId, DateTimeOffset touchedAt, CancellationToken ct);

    /// <summary>Running instances started by a call activity's execution.</summary>
    Task<List<Guid>> FindCalledInstancesAsync(Guid parentExecutionId, CancellationToken ct);

    /// <summary>Running instances of a definition (version), oldest first, read without tracking.</summary>
    Task<List<Guid>> FindRunningInstancesAsync(Guid definitionId, CancellationToken ct);

    Task<JobRecord?> GetJobAsync(Guid jobId, CancellationToken ct);
    Task<IncidentRecord?> GetIncidentAsync(Guid incidentId, CancellationToken ct);
    /// <summary>Subscriptions of running instances waiting for this message (and business key, when given), read without tracking.</summary>
    Task<List<MessageSubscriptionRecord>> FindInstanceSubscriptionsAsync(string messageName, string? businessKey, CancellationToken ct);
    /// <summary>Message start subscriptions of the latest versions, read without tracking.</summary>
    Task<List<MessageSubscriptionRecord>> FindStartSubscriptionsAsync(string messageName, CancellationToken ct);

    /// <summary>Versions of a process, newest first, tracked.</summary>
    Task<List<ProcessDefinitionRecord>> GetDefinitionVersionsAsync(string key, CancellationToken ct);
    /// <summary>Timer-start jobs and message-start subscriptions of these definitions, tracked.</summary>
    Task<List<JobRecord>> GetStartJobsAsync(IReadOnlyCollection<Guid> definitionIds, CancellationToken ct);
    Task<List<MessageSubscriptionRecord>> GetStartSubscriptionsAsync(IReadOnlyCollection<Guid> definitionIds, CancellationToken ct);

    /// <summary>
    /// Locks up to <paramref name="max"/> due jobs for <paramref name="owner"/> (FOR UPDATE SKIP LOCKED), including jobs
    /// whose lock has expired (their worker died). Commits on its own.
    /// </summary>
    Task<IReadOnlyList<Guid>> AcquireJobsAsync(string owner, int max, DateTimeOffset now, TimeSpan lockFor, CancellationToken ct);

    void Add(object record);
    void Remove(object record);
    Task SaveChangesAsync(CancellationToken ct);
}

/// <summary>A locked instance and its runtime rows, as <see cref="IWorkflowStore.LockAndLoadAsync"/> read them.</summary>
public sealed record InstanceSnapshot(
    ProcessInstanceRecord Instance,
    List<ExecutionRecord> Executions,
    List<VariableRecord> Variables,
    List<UserTaskRecord> OpenTasks);

public interface IWorkflowTransaction : IAsyncDisposable
{
    /// <summary>
    /// Saves what the store has pending (as <see cref="IWorkflowStore.SaveChangesAsync"/>) and commits — in one round
    /// trip where the store can. Joined to a caller's transaction: saves only; the caller commits.
    /// </summary>
    Task CommitAsync(CancellationToken ct);
}
