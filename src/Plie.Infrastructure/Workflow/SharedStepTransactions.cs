using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Plie.Workflow;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Workflow;

/// <summary>
/// Group commit of steps (<see cref="IWorkflowStore.BeginSharedTransactionAsync"/>): the steps that ask to load their
/// instance while the previous groups are busy wait a moment and then go together, in one transaction on one connection.
/// A group costs two round trips and one commit, whatever the number of its steps: one batch that locks and reads every
/// step's instance, then, once every step has decided, one batch of all their writes and the COMMIT.
/// </summary>
/// <remarks>
/// <para>Each step still writes all of its changes or none, and a step that fails leaves the others alone: its instance
/// was only locked (<c>SELECT … FOR UPDATE</c>, see <see cref="InstanceLoad.SharedByInstance"/>), so leaving the group
/// without writing leaves nothing to undo. What a group cannot do it hands back to the step, which the engine then runs
/// alone (<see cref="StepMustRunAloneException"/>): a step whose instance another step of the group has loaded, and every
/// step of a group that failed on the server (a stale row, a deadlock, a broken connection), as nothing of it was
/// committed.</para>
/// <para>No group waits for company: a step that finds fewer than <see cref="WorkflowOptions.SharedTransactions"/> groups
/// running starts one at once, so a step alone costs what it would cost without groups. Groups form only under load,
/// from the steps that arrived while the others were busy.</para>
/// </remarks>
public sealed class SharedStepTransactions(NpgsqlDataSource dataSource, IOptions<WorkflowOptions> options,
    ILogger<SharedStepTransactions> logger)
{
    private readonly object _gate = new();
    private readonly List<Member> _queue = [];
    private readonly int _maxGroups = Math.Max(1, options.Value.SharedTransactions);
    private readonly int _maxSteps = Math.Max(1, options.Value.StepsPerSharedTransaction);
    private int _running;
    private long _groups, _steps, _committed;

    /// <summary>Groups run, steps loaded in them, and steps committed in them, since the start.</summary>
    public (long Groups, long Steps, long Committed) Counts =>
        (Interlocked.Read(ref _groups), Interlocked.Read(ref _steps), Interlocked.Read(ref _committed));

    /// <summary>A new step, not yet in a group: it joins one when it asks to load its instance.</summary>
    internal Member Join() => new(this);

    private void Enqueue(Member member)
    {
        bool start;
        lock (_gate)
        {
            _queue.Add(member);
            start = _running < _maxGroups;
            if (start) _running++;
        }
        if (start) _ = RunGroupsAsync();
    }

    /// <summary>Runs groups of the steps queued, one after the other, until none is left.</summary>
    private async Task RunGroupsAsync()
    {
        while (true)
        {
            var group = new List<Member>();
            lock (_gate)
            {
                // One step per task or instance asked for: a second one waits for the next group.
                var keys = new HashSet<Guid>();
                for (var i = 0; i < _queue.Count && group.Count < _maxSteps; i++)
                    if (keys.Add(_queue[i].Key))
                    {
                        group.Add(_queue[i]);
                        _queue.RemoveAt(i--);
                    }
                if (group.Count == 0)
                {
                    _running--;
                    return;
                }
            }
            await RunGroupAsync(group);
        }
    }

    private async Task RunGroupAsync(List<Member> group)
    {
        Interlocked.Increment(ref _groups);
        Interlocked.Add(ref _steps, group.Count);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await dataSource.OpenConnectionAsync();
            var transaction = await connection.BeginTransactionAsync();
            if (!await LoadAsync(connection, transaction, group)) return;
            // Each step now runs on its own, until it hands its writes or leaves.
            foreach (var member in group) await member.Decided;
            var writing = group.Where(m => m.Writes is not null).ToList();
            if (writing.Count == 0) return; // disposing the connection rolls the transaction back
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var member in writing)
                foreach (var command in member.Writes!)
                    batch.BatchCommands.Add(command);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            try
            {
                await batch.ExecuteNonQueryAsync();
            }
            catch (Exception e)
            {
                logger.LogInformation(e, "A shared transaction of {Count} steps failed: each runs again alone", writing.Count);
                foreach (var member in writing) member.Fail(new StepMustRunAloneException("The shared transaction failed: " + e.Message));
                return;
            }
            Interlocked.Add(ref _committed, writing.Count);
            foreach (var member in writing) member.Commit();
        }
        catch (Exception e)
        {
            // Opening the connection or beginning failed: nothing was read or written.
            logger.LogWarning(e, "A shared transaction could not start: its steps run alone");
            foreach (var member in group) member.Fail(new StepMustRunAloneException("The shared transaction failed: " + e.Message));
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    /// <summary>Locks and reads every step's instance in one batch and hands each step its rows.</summary>
    private async Task<bool> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<Member> group)
    {
        var load = group[0].Load!;
        var read = new List<SharedRows?>(group.Count);
        try
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var member in group)
                foreach (var sql in member.ByTask ? load.SharedByTask : load.SharedByInstance)
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(sql)
                    {
                        Parameters = { new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid, TypedValue = member.Key } },
                    });
            await using var reader = await batch.ExecuteReaderAsync();
            for (var i = 0; i < group.Count; i++)
            {
                if (i > 0) await reader.NextResultAsync();
                var instance = await reader.ReadAsync() ? load.Instances.Read(reader) : null;
                var executions = new List<ExecutionRecord>();
                var variables = new List<VariableRecord>();
                var tasks = new List<UserTaskRecord>();
                await reader.NextResultAsync();
                while (await reader.ReadAsync()) executions.Add(load.Executions.Read(reader));
                await reader.NextResultAsync();
                while (await reader.ReadAsync()) variables.Add(load.Variables.Read(reader));
                await reader.NextResultAsync();
                while (await reader.ReadAsync()) tasks.Add(load.Tasks.Read(reader));
                read.Add(instance is null ? null : new SharedRows(instance, executions, variables, tasks));
            }
        }
        catch (Exception e)
        {
            logger.LogInformation(e, "A shared transaction's reads failed: its {Count} steps run alone", group.Count);
            foreach (var member in group) member.Fail(new StepMustRunAloneException("The shared transaction's reads failed: " + e.Message));
            return false;
        }
        var instances = new HashSet<Guid>();
        for (var i = 0; i < group.Count; i++)
        {
            if (read[i] is { } rows && !instances.Add(rows.Instance.Id))
                group[i].Fail(new StepMustRunAloneException("Another step of the shared transaction has the same instance."));
            else
                group[i].Loaded(read[i]);
        }
        return true;
    }

    /// <summary>What a step of a group reads of its instance (as <see cref="InstanceSnapshot"/>, not yet tracked).</summary>
    internal sealed record SharedRows(ProcessInstanceRecord Instance, List<ExecutionRecord> Executions,
        List<VariableRecord> Variables, List<UserTaskRecord> Tasks);

    /// <summary>
    /// One step's place in a group. The step asks once for its rows (<see cref="LoadAsync"/>), then either hands its
    /// writes (<see cref="CommitAsync"/>) or leaves (<see cref="Leave"/>); the group waits for every step to do one or
    /// the other before it writes.
    /// </summary>
    internal sealed class Member(SharedStepTransactions owner)
    {
        // Continuations run where the result is set: the group hands out rows (and the last step's writes hand the group
        // its turn) without a hop to another thread.
        private readonly TaskCompletionSource<SharedRows?> _loaded = new();
        private readonly TaskCompletionSource _decided = new();
        private readonly TaskCompletionSource _committed = new();
        private int _asked;

        public Guid Key { get; private set; }
        public bool ByTask { get; private set; }
        public InstanceLoad? Load { get; private set; }
        public bool HasAsked => Volatile.Read(ref _asked) != 0;
        public IReadOnlyList<NpgsqlBatchCommand>? Writes { get; private set; }
        public Task Decided => _decided.Task;

        /// <summary>Joins a group and waits for the instance's rows (null: no such instance, or no such task).</summary>
        public async Task<SharedRows?> LoadAsync(InstanceLoad load, Guid? instanceId, Guid? taskId, CancellationToken ct)
        {
            if (Interlocked.Exchange(ref _asked, 1) != 0)
                throw new StepMustRunAloneException("The step loads a second instance.");
            Load = load;
            ByTask = taskId.HasValue;
            Key = instanceId ?? taskId!.Value;
            owner.Enqueue(this);
            return await _loaded.Task.WaitAsync(ct);
        }

        /// <summary>Hands the step's writes to the group and waits for its commit (not cancellable: they are handed).</summary>
        public Task CommitAsync(IReadOnlyList<NpgsqlBatchCommand> writes)
        {
            if (!HasAsked || _loaded.Task is not { IsCompletedSuccessfully: true })
                throw new InvalidOperationException("A step commits in its group only after loading its instance there.");
            Writes = writes;
            _decided.TrySetResult();
            return _committed.Task;
        }

        /// <summary>Leaves the group without writing (the step failed, or runs again alone); harmless when done twice.</summary>
        public void Leave() => _decided.TrySetResult();

        internal void Loaded(SharedRows? rows) => _loaded.TrySetResult(rows);

        internal void Commit() => _committed.TrySetResult();

        /// <summary>Tells the step, whether it waits for its rows or for its commit, that it must run alone.</summary>
        internal void Fail(Exception e)
        {
            // The exception is marked observed: a step that has left awaits neither task any more.
            if (Writes is null) { if (_loaded.TrySetException(e)) _ = _loaded.Task.Exception; }
            else if (_committed.TrySetException(e)) _ = _committed.Task.Exception;
            _decided.TrySetResult();
        }
    }
}
