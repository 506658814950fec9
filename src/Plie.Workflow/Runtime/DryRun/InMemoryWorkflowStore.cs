using System.Reflection;
using Plie.Workflow.Ports;

namespace Plie.Workflow.Runtime.DryRun;

/// <summary>
/// The engine's state in memory, for a dry run: nothing is written to the database. Records handed out are the stored
/// objects themselves (as a tracking store's are); a transaction keeps a copy of every record and puts it back when it
/// ends without a commit, so a failed step leaves the state as it was. Not thread-safe: one session, one user.
/// </summary>
public sealed class InMemoryWorkflowStore : IWorkflowStore
{
    private static readonly MethodInfo CloneMethod = typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!;

    private State _state = new();
    private long _historyIds;
    private int _depth;

    internal State Current => _state;

    public Task<IWorkflowTransaction> BeginTransactionAsync(CancellationToken ct)
    {
        if (_depth > 0) return Task.FromResult<IWorkflowTransaction>(new Transaction(this, null));
        _depth++;
        return Task.FromResult<IWorkflowTransaction>(new Transaction(this, _state.Copy()));
    }

    /// <summary>A transaction: one session, one user, nobody to race with.</summary>
    public Task<IWorkflowTransaction> BeginStepAsync(CancellationToken ct) => BeginTransactionAsync(ct);

    public void Reset()
    {
        // The transaction's disposal has put the state back already.
    }

    public Task<ProcessDefinitionRecord?> GetDefinitionAsync(Guid id, CancellationToken ct) =>
        Task.FromResult(_state.Definitions.FirstOrDefault(d => d.Id == id));

    public Task<ProcessDefinitionRecord?> GetLatestDefinitionAsync(string key, CancellationToken ct) =>
        Task.FromResult(_state.Definitions.Where(d => d.Key == key).MaxBy(d => d.Version));

    public Task<Guid?> FindLatestDefinitionIdAsync(string key, CancellationToken ct) =>
        Task.FromResult(_state.Definitions.Where(d => d.Key == key).MaxBy(d => d.Version)?.Id);

    public Task<ProcessInstanceRecord?> LockInstanceAsync(Guid id, CancellationToken ct) =>
        Task.FromResult(_state.Instances.FirstOrDefault(i => i.Id == id));

    public Task<List<VariableRecord>> GetVariablesAsync(Guid instanceId, CancellationToken ct) =>
        Task.FromResult(_state.Variables.Where(v => v.InstanceId == instanceId).ToList());

    public Task<List<JobRecord>> GetJobsAsync(Guid instanceId, CancellationToken ct) =>
        Task.FromResult(_state.Jobs.Where(j => j.InstanceId == instanceId).ToList());

    public Task<List<MessageSubscriptionRecord>> GetSubscriptionsAsync(Guid instanceId, CancellationToken ct) =>
        Task.FromResult(_state.Subscriptions.Where(s => s.InstanceId == instanceId).ToList());

    public Task<List<IncidentRecord>> GetOpenIncidentsAsync(Guid instanceId, CancellationToken ct) =>
        Task.FromResult(_state.Incidents.Where(i => i.InstanceId == instanceId && i.ResolvedAt is null).ToList());

    public Task<InstanceSnapshot?> LockAndLoadAsync(Guid? instanceId, Guid? taskId, DateTimeOffset touchedAt, CancellationToken ct)
    {
        var id = instanceId ?? _state.Tasks.FirstOrDefault(t => t.Id == taskId)?.InstanceId;
        var instance = _state.Instances.FirstOrDefault(i => i.Id == id);
        if (instance is not null)
        {
            instance.Revision++;
            instance.LastActivityAt = touchedAt;
        }
        return Task.FromResult(instance is null
            ? null
            : new InstanceSnapshot(instance,
                _state.Executions.Where(e => e.InstanceId == instance.Id).ToList(),
                _state.Variables.Where(v => v.InstanceId == instance.Id).ToList(),
                _state.Tasks.Where(t => t.InstanceId == instance.Id && t.State == UserTaskState.Open).ToList()));
    }

    public Task<List<Guid>> FindCalledInstancesAsync(Guid parentExecutionId, CancellationToken ct) =>
        Task.FromResult(_state.Instances.Where(i => i.ParentExecutionId == parentExecutionId && i.State == InstanceState.Running)
            .Select(i => i.Id).ToList());

    public Task<List<Guid>> FindRunningInstancesAsync(Guid definitionId, CancellationToken ct) =>
        Task.FromResult(_state.Instances.Where(i => i.DefinitionId == definitionId && i.State == InstanceState.Running)
            .OrderBy(i => i.StartedAt).Select(i => i.Id).ToList());

    public Task<JobRecord?> GetJobAsync(Guid jobId, CancellationToken ct) => Task.FromResult(_state.Jobs.FirstOrDefault(j => j.Id == jobId));

    public Task<IncidentRecord?> GetIncidentAsync(Guid incidentId, CancellationToken ct) =>
        Task.FromResult(_state.Incidents.FirstOrDefault(i => i.Id == incidentId));

    public Task<List<MessageSubscriptionRecord>> FindInstanceSubscriptionsAsync(string messageName, string? businessKey, CancellationToken ct) =>
        Task.FromResult(_state.Subscriptions
            .Where(s => s.MessageName == messageName && s.InstanceId is not null
                        && _state.Instances.Any(i => i.Id == s.InstanceId && i.State == InstanceState.Running)
                        && (businessKey is null || s.BusinessKey == businessKey))
            .OrderBy(s => s.CreatedAt).ToList());

    public Task<List<MessageSubscriptionRecord>> FindStartSubscriptionsAsync(string messageName, CancellationToken ct) =>
        Task.FromResult(_state.Subscriptions.Where(s => s.MessageName == messageName && s.InstanceId is null && s.DefinitionId is not null)
            .OrderBy(s => s.CreatedAt).ToList());

    public Task<List<ProcessDefinitionRecord>> GetDefinitionVersionsAsync(string key, CancellationToken ct) =>
        Task.FromResult(_state.Definitions.Where(d => d.Key == key).OrderByDescending(d => d.Version).ToList());

    public Task<List<JobRecord>> GetStartJobsAsync(IReadOnlyCollection<Guid> definitionIds, CancellationToken ct) =>
        Task.FromResult(_state.Jobs.Where(j => j.InstanceId is null && j.DefinitionId is { } d && definitionIds.Contains(d)).ToList());

    public Task<List<MessageSubscriptionRecord>> GetStartSubscriptionsAsync(IReadOnlyCollection<Guid> definitionIds, CancellationToken ct) =>
        Task.FromResult(_state.Subscriptions.Where(s => s.InstanceId is null && s.DefinitionId is { } d && definitionIds.Contains(d)).ToList());

    public Task<IReadOnlyList<Guid>> AcquireJobsAsync(string owner, int max, DateTimeOffset now, TimeSpan lockFor, CancellationToken ct)
    {
        var due = _state.Jobs.Where(j => j.DueAt <= now && j.Retries > 0 && (j.LockOwner is null || j.LockExpiresAt < now))
            .OrderBy(j => j.DueAt).Take(max).ToList();
        foreach (var job in due)
        {
            job.LockOwner = owner;
            job.LockExpiresAt = now + lockFor;
        }
        return Task.FromResult<IReadOnlyList<Guid>>(due.Select(j => j.Id).ToList());
    }

    /// <summary>Locks one job for <paramref name="owner"/>, due or not (« fire this timer now »).</summary>
    public bool LockJob(Guid jobId, string owner, DateTimeOffset until)
    {
        if (_state.Jobs.FirstOrDefault(j => j.Id == jobId) is not { } job) return false;
        job.LockOwner = owner;
        job.LockExpiresAt = until;
        return true;
    }

    public void Add(object record)
    {
        switch (record)
        {
            case ProcessDefinitionRecord d: _state.Definitions.Add(d); break;
            case ProcessInstanceRecord i: _state.Instances.Add(i); break;
            case ExecutionRecord e: _state.Executions.Add(e); break;
            case VariableRecord v: _state.Variables.Add(v); break;
            case UserTaskRecord t: _state.Tasks.Add(t); break;
            case JobRecord j: _state.Jobs.Add(j); break;
            case MessageSubscriptionRecord s: _state.Subscriptions.Add(s); break;
            case IncidentRecord x: _state.Incidents.Add(x); break;
            case HistoryEventRecord h:
                if (h.Id == 0) h.Id = ++_historyIds;
                _state.History.Add(h);
                break;
            default: throw new ArgumentException($"Unknown record type {record.GetType().Name}.", nameof(record));
        }
    }

    public void Remove(object record)
    {
        switch (record)
        {
            case ProcessDefinitionRecord d: _state.Definitions.Remove(d); break;
            case ProcessInstanceRecord i: _state.Instances.Remove(i); break;
            case ExecutionRecord e: _state.Executions.Remove(e); break;
            case VariableRecord v: _state.Variables.Remove(v); break;
            case UserTaskRecord t: _state.Tasks.Remove(t); break;
            case JobRecord j: _state.Jobs.Remove(j); break;
            case MessageSubscriptionRecord s: _state.Subscriptions.Remove(s); break;
            case IncidentRecord x: _state.Incidents.Remove(x); break;
            case HistoryEventRecord h: _state.History.Remove(h); break;
            default: throw new ArgumentException($"Unknown record type {record.GetType().Name}.", nameof(record));
        }
    }

    public Task SaveChangesAsync(CancellationToken ct) => Task.CompletedTask;

    internal sealed class State
    {
        public List<ProcessDefinitionRecord> Definitions { get; init; } = [];
        public List<ProcessInstanceRecord> Instances { get; init; } = [];
        public List<ExecutionRecord> Executions { get; init; } = [];
        public List<VariableRecord> Variables { get; init; } = [];
        public List<UserTaskRecord> Tasks { get; init; } = [];
        public List<JobRecord> Jobs { get; init; } = [];
        public List<MessageSubscriptionRecord> Subscriptions { get; init; } = [];
        public List<IncidentRecord> Incidents { get; init; } = [];
        public List<HistoryEventRecord> History { get; init; } = [];

        /// <summary>A copy of every record (their properties are values, strings or arrays never changed in place).</summary>
        public State Copy() => new()
        {
            Definitions = Clone(Definitions), Instances = Clone(Instances), Executions = Clone(Executions),
            Variables = Clone(Variables), Tasks = Clone(Tasks), Jobs = Clone(Jobs), Subscriptions = Clone(Subscriptions),
            Incidents = Clone(Incidents), History = Clone(History),
        };

        private static List<T> Clone<T>(List<T> records) where T : class => records.Select(r => (T)CloneMethod.Invoke(r, null)!).ToList();
    }

    private sealed class Transaction(InMemoryWorkflowStore store, State? saved) : IWorkflowTransaction
    {
        private bool _done;

        public Task CommitAsync(CancellationToken ct)
        {
            _done = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (saved is null) return ValueTask.CompletedTask; // joined the caller's
            store._depth--;
            if (!_done) store._state = saved;
            return ValueTask.CompletedTask;
        }
    }
}
