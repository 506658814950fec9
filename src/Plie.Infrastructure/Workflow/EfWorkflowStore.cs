using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Plie.Infrastructure.Persistence;
using Plie.Workflow;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Workflow;

/// <summary>
/// <see cref="IWorkflowStore"/> over <see cref="PlieDbContext"/> (scoped, like the context). Records returned by the
/// Get/Lock methods are tracked by the store itself (<see cref="RecordTracker"/>), not by the context: changes to them
/// are written by the next save. The Find methods read without tracking. EF's tracker keeps what else the context
/// holds (a Mediator handler's domain entities), which a save hands to EF's SaveChanges first.
/// </summary>
public sealed class EfWorkflowStore(PlieDbContext db, TimeProvider? timeProvider = null) : IWorkflowStore
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly RecordTracker _tracker = RecordTracker.For(db);
    // History events added since the last save, in order: written by the save, never tracked (nothing reads them back).
    private readonly List<HistoryEventRecord> _history = [];

    // Picks due jobs that nobody holds (or whose holder's lock expired), earliest first, skipping rows another
    // acquirer is locking right now, and stamps them with the owner. The CTE is materialized so the locking SELECT
    // runs exactly once.
    private const string AcquireJobsSql = """
        WITH picked AS MATERIALIZED (
            SELECT id, due_at
            FROM wf.jobs
            WHERE due_at <= @now
              AND retries > 0
              AND (lock_expires_at IS NULL OR lock_expires_at < @now)
            ORDER BY due_at
            LIMIT @max
            FOR UPDATE SKIP LOCKED)
        UPDATE wf.jobs AS j
        SET lock_owner = @owner, lock_expires_at = @expires
        FROM picked
        WHERE j.id = picked.id
        RETURNING j.id, picked.due_at
        """;

    // The optimistic step begun by BeginStepAsync, until it is disposed.
    private OptimisticStep? _step;

    public async Task<IWorkflowTransaction> BeginTransactionAsync(CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
            return new JoinedTransaction(this);
        var transaction = await db.Database.BeginTransactionAsync(ct);
        return new OwnTransaction(this, db.Database, transaction);
    }

    /// <summary>
    /// An optimistic step (see <see cref="OptimisticStep"/>) when nothing else is at stake: no caller's transaction to
    /// join, nothing pending that a run again could not redo (the caller's entities in the context, records changed
    /// before the step). Otherwise a transaction, as <see cref="BeginTransactionAsync"/>.
    /// </summary>
    public async Task<IWorkflowTransaction> BeginStepAsync(CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null || _step is not null || HasPending)
            return await BeginTransactionAsync(ct);
        // Open for the whole step, as a transaction would hold it: the reads and the writes on one connection.
        await db.Database.OpenConnectionAsync(ct);
        return _step = new OptimisticStep(this);
    }

    /// <summary>Whether EF's own tracker has something to save (a Mediator handler's or the caller's entities).</summary>
    private bool HasContextChanges => db.ChangeTracker.HasChanges();

    private Task CloseConnectionAsync() => db.Database.CloseConnectionAsync();

    /// <summary>
    /// Gives the optimistic step the transaction it needs from now on: for a service task's handler to join, or for
    /// writes that cannot go in one batch. The step goes on as a locking one: instances it loads next are locked, and
    /// its pending instance touches are checked when they are saved.
    /// </summary>
    private async Task OpenStepTransactionAsync(OptimisticStep step, CancellationToken ct)
    {
        var transaction = await db.Database.BeginTransactionAsync(ct);
        step.Transaction = new OwnTransaction(this, db.Database, transaction);
    }

    /// <summary>How many of the engine's records the store tracks (for tests).</summary>
    internal int Tracked => _tracker.Count;

    /// <summary>Whether a save would write anything: a changed, added or removed record, a history event, or what EF's
    /// own tracker holds.</summary>
    internal bool HasPending => _tracker.Pending().Count > 0 || _history.Count > 0 || db.ChangeTracker.HasChanges();

    public void Reset()
    {
        _tracker.Clear();
        db.ChangeTracker.Clear();
        _history.Clear();
    }

    public async Task<ProcessDefinitionRecord?> GetDefinitionAsync(Guid id, CancellationToken ct) =>
        _tracker.Find<ProcessDefinitionRecord>(id)
        ?? Resolve(await db.ProcessDefinitions.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct));

    public async Task<ProcessDefinitionRecord?> GetLatestDefinitionAsync(string key, CancellationToken ct) =>
        Resolve(await db.ProcessDefinitions
            .AsNoTracking()
            .Where(d => d.Key == key)
            .OrderByDescending(d => d.Version)
            .FirstOrDefaultAsync(ct));

    /// <summary>A row read without tracking, handed back as a tracking query would (see <see cref="RecordTracker.Resolve{T}"/>).</summary>
    private T? Resolve<T>(T? row) where T : class => row is null ? null : _tracker.Resolve(row);

    public Task<Guid?> FindLatestDefinitionIdAsync(string key, CancellationToken ct) =>
        db.ProcessDefinitions
            .AsNoTracking()
            .Where(d => d.Key == key)
            .OrderByDescending(d => d.Version)
            .Select(d => (Guid?)d.Id)
            .FirstOrDefaultAsync(ct);

    public async Task<ProcessInstanceRecord?> LockInstanceAsync(Guid id, CancellationToken ct)
    {
        // Not composed (no LIMIT wrapped around it): the statement is sent as written. Refreshed, not resolved: an
        // instance the store already tracks unchanged takes the row as it is now that we hold the lock.
        var rows = await db.ProcessInstances
            .FromSql($"SELECT * FROM wf.process_instances WHERE id = {id} FOR UPDATE")
            .AsNoTracking()
            .ToListAsync(ct);
        return rows.Count == 0 ? null : _tracker.Refresh(rows[0], keepDeleted: true);
    }

    public async Task<InstanceSnapshot?> LockAndLoadAsync(Guid? instanceId, Guid? taskId, DateTimeOffset touchedAt, CancellationToken ct)
    {
        if (instanceId.HasValue == taskId.HasValue)
            throw new ArgumentException("Give either an instance id or a task id.");
        var database = db.Database;
        var optimistic = false;
        if (database.CurrentTransaction is null)
        {
            if (_step is null)
                throw new InvalidOperationException("LockAndLoadAsync locks the instance until the transaction ends: begin one (or a step) first.");
            // Only a step's first writes wait for the commit: once it has some pending, the next instances are locked.
            if (HasPending) await OpenStepTransactionAsync(_step, ct);
            else optimistic = true;
        }

        var load = InstanceLoad.For(db);
        await using var batch = load.Batch((NpgsqlConnection)database.GetDbConnection(),
            (NpgsqlTransaction?)database.CurrentTransaction?.GetDbTransaction(), (instanceId ?? taskId)!.Value, taskId.HasValue,
            optimistic ? null : touchedAt);
        batch.Timeout = database.GetCommandTimeout() ?? batch.Timeout;
        ProcessInstanceRecord instance;
        var executions = new List<ExecutionRecord>();
        var variables = new List<VariableRecord>();
        var tasks = new List<UserTaskRecord>();
        // On the context's connection (and in its transaction, if any), one round trip.
        NpgsqlDataReader opened;
        try
        {
            opened = await batch.ExecuteReaderAsync(ct);
        }
        catch (PostgresException e) when (_step is not null && e.SqlState == PostgresErrorCodes.DeadlockDetected)
        {
            // A step locking a second case while another step that holds it waits for this one's first: PostgreSQL
            // fails one of them, which is run again, as a step refused at its commit is.
            throw new WorkflowStaleStateException(e);
        }
        await using (var reader = opened)
        {
            if (!await reader.ReadAsync(ct))
                return null;
            instance = load.Instances.Read(reader);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                executions.Add(load.Executions.Read(reader));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                variables.Add(load.Variables.Read(reader));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                tasks.Add(load.Tasks.Read(reader));
        }

        return new InstanceSnapshot(optimistic ? TouchRead(instance, touchedAt) : TrackTouched(instance),
            RefreshAll(executions), RefreshAll(variables), RefreshAll(tasks));
    }

    /// <summary>
    /// Tracks the instance an optimistic load read, and touches the tracked record (nothing is pending, so it is the row
    /// or a refreshed copy): the commit writes the touch, checked against the revision read.
    /// </summary>
    private ProcessInstanceRecord TouchRead(ProcessInstanceRecord read, DateTimeOffset touchedAt)
    {
        var tracked = _tracker.Refresh(read, keepDeleted: true)!;
        tracked.Revision++;
        // As the database keeps it (and a locking load reads it back): UTC, to the microsecond.
        var utc = touchedAt.ToUniversalTime();
        tracked.LastActivityAt = utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMicrosecond));
        return tracked;
    }

    /// <summary>
    /// Tracks the instance the load touched (see <see cref="RecordTracker.Refresh{T}"/>). A copy tracked with changes is
    /// left as it is, except when it was read as the row stood just before the touch (its original revision is the one
    /// the touch replaced): the touch is then this unit of work's own, and the copy takes its revision and last
    /// activity, so that its save is not taken for a stale one. A copy older than that still fails its save.
    /// </summary>
    private ProcessInstanceRecord TrackTouched(ProcessInstanceRecord touched)
    {
        var tracked = _tracker.Refresh(touched, keepDeleted: true)!;
        if (!ReferenceEquals(tracked, touched) && _tracker.ChangedOriginal(tracked) is { } original
            && original.Revision == touched.Revision - 1)
        {
            original.Revision = tracked.Revision = touched.Revision;
            original.LastActivityAt = tracked.LastActivityAt = touched.LastActivityAt;
        }
        return tracked;
    }

    /// <summary>Rows read under the lock, refreshed (<see cref="RecordTracker.Refresh{T}"/>); rows being deleted are left out.</summary>
    private List<T> RefreshAll<T>(List<T> rows) where T : class
    {
        var tracked = new List<T>(rows.Count);
        foreach (var row in rows)
            if (_tracker.Refresh(row, keepDeleted: false) is { } record)
                tracked.Add(record);
        return tracked;
    }

    public async Task<List<VariableRecord>> GetVariablesAsync(Guid instanceId, CancellationToken ct) =>
        _tracker.ResolveAll(await db.Variables.AsNoTracking().Where(v => v.InstanceId == instanceId).ToListAsync(ct));

    public async Task<List<JobRecord>> GetJobsAsync(Guid instanceId, CancellationToken ct) =>
        _tracker.ResolveAll(await db.Jobs.AsNoTracking().Where(j => j.InstanceId == instanceId).ToListAsync(ct));

    public async Task<List<MessageSubscriptionRecord>> GetSubscriptionsAsync(Guid instanceId, CancellationToken ct) =>
        _tracker.ResolveAll(await db.MessageSubscriptions.AsNoTracking().Where(s => s.InstanceId == instanceId).ToListAsync(ct));

    public async Task<List<IncidentRecord>> GetOpenIncidentsAsync(Guid instanceId, CancellationToken ct) =>
        _tracker.ResolveAll(await db.Incidents
            .AsNoTracking()
            .Where(i => i.InstanceId == instanceId && i.ResolvedAt == null)
            .ToListAsync(ct));

    public Task<List<Guid>> FindCalledInstancesAsync(Guid parentExecutionId, CancellationToken ct) =>
        db.ProcessInstances
            .AsNoTracking()
            .Where(i => i.ParentExecutionId == parentExecutionId && i.State == InstanceState.Running)
            .Select(i => i.Id)
            .ToListAsync(ct);

    public Task<List<Guid>> FindRunningInstancesAsync(Guid definitionId, CancellationToken ct) =>
        db.ProcessInstances
            .AsNoTracking()
            .Where(i => i.DefinitionId == definitionId && i.State == InstanceState.Running)
            .OrderBy(i => i.StartedAt)
            .Select(i => i.Id)
            .ToListAsync(ct);

    public async Task<JobRecord?> GetJobAsync(Guid jobId, CancellationToken ct) =>
        _tracker.Find<JobRecord>(jobId) ?? Resolve(await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct));

    public async Task<IncidentRecord?> GetIncidentAsync(Guid incidentId, CancellationToken ct) =>
        _tracker.Find<IncidentRecord>(incidentId)
        ?? Resolve(await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == incidentId, ct));

    public Task<List<MessageSubscriptionRecord>> FindInstanceSubscriptionsAsync(
        string messageName, string? businessKey, CancellationToken ct)
    {
        var query = db.MessageSubscriptions
            .AsNoTracking()
            .Where(s => s.MessageName == messageName
                && s.InstanceId != null
                && db.ProcessInstances.Any(i => i.Id == s.InstanceId && i.State == InstanceState.Running));
        if (businessKey is not null)
            query = query.Where(s => s.BusinessKey == businessKey);
        return query.OrderBy(s => s.CreatedAt).ToListAsync(ct);
    }

    public Task<List<MessageSubscriptionRecord>> FindStartSubscriptionsAsync(string messageName, CancellationToken ct) =>
        // The engine keeps message-start subscriptions for the latest version of each definition only.
        db.MessageSubscriptions
            .AsNoTracking()
            .Where(s => s.MessageName == messageName && s.InstanceId == null && s.DefinitionId != null)
            .OrderBy(s => s.CreatedAt)
            .ToListAsync(ct);

    public async Task<List<ProcessDefinitionRecord>> GetDefinitionVersionsAsync(string key, CancellationToken ct) =>
        _tracker.ResolveAll(await db.ProcessDefinitions
            .AsNoTracking()
            .Where(d => d.Key == key)
            .OrderByDescending(d => d.Version)
            .ToListAsync(ct));

    public async Task<List<JobRecord>> GetStartJobsAsync(IReadOnlyCollection<Guid> definitionIds, CancellationToken ct)
    {
        var ids = definitionIds.ToArray();
        return _tracker.ResolveAll(await db.Jobs
            .AsNoTracking()
            .Where(j => j.Kind == JobKind.TimerStart && j.DefinitionId != null && ids.Contains(j.DefinitionId.Value))
            .ToListAsync(ct));
    }

    public async Task<List<MessageSubscriptionRecord>> GetStartSubscriptionsAsync(
        IReadOnlyCollection<Guid> definitionIds, CancellationToken ct)
    {
        var ids = definitionIds.ToArray();
        return _tracker.ResolveAll(await db.MessageSubscriptions
            .AsNoTracking()
            .Where(s => s.InstanceId == null && s.DefinitionId != null && ids.Contains(s.DefinitionId.Value))
            .ToListAsync(ct));
    }

    public async Task<IReadOnlyList<Guid>> AcquireJobsAsync(
        string owner, int max, DateTimeOffset now, TimeSpan lockFor, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
            return [];
        var database = db.Database;
        if (database.CurrentTransaction is not null)
            throw new InvalidOperationException(
                "AcquireJobsAsync commits on its own: call it on a store with no open transaction.");

        // Opening through EF keeps its connection bookkeeping right: if the connection was already open it stays
        // open, otherwise it is closed again at the end.
        await database.OpenConnectionAsync(ct);
        try
        {
            var acquired = new List<(Guid Id, DateTimeOffset DueAt)>();
            await using (var transaction = await database.BeginTransactionAsync(ct))
            {
                var connection = (NpgsqlConnection)database.GetDbConnection();
                await using (var command = new NpgsqlCommand(AcquireJobsSql, connection,
                                 (NpgsqlTransaction)transaction.GetDbTransaction()))
                {
                    command.Parameters.Add(new NpgsqlParameter<string>("owner", NpgsqlDbType.Text) { TypedValue = owner });
                    command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", NpgsqlDbType.TimestampTz)
                        { TypedValue = now.ToUniversalTime() });
                    command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("expires", NpgsqlDbType.TimestampTz)
                        { TypedValue = (now + lockFor).ToUniversalTime() });
                    command.Parameters.Add(new NpgsqlParameter<int>("max", NpgsqlDbType.Integer) { TypedValue = max });

                    await using var reader = await command.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                        acquired.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
                }
                await transaction.CommitAsync(ct);
            }
            return acquired.OrderBy(j => j.DueAt).Select(j => j.Id).ToList();
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Adds a record, tracked by the store; a history event is kept aside and written by the next save, in order (its
    /// <see cref="HistoryEventRecord.Id"/> is not read back). Anything else goes to the context.
    /// </summary>
    public void Add(object record)
    {
        if (record is HistoryEventRecord history) _history.Add(history);
        else if (_tracker.Handles(record)) _tracker.Add(record);
        else db.Add(record);
    }

    public void Remove(object record)
    {
        if (_tracker.Handles(record)) _tracker.Remove(record);
        else db.Remove(record);
    }

    /// <summary>
    /// Writes what is pending: what the context's own tracker holds (a Mediator handler's entities) through EF's
    /// SaveChanges, then the engine's records and the history in one batch (<see cref="StepWriter"/>), in one
    /// transaction (the current one, or one of its own).
    /// </summary>
    public async Task SaveChangesAsync(CancellationToken ct)
    {
        if (_step is { } step)
        {
            // In an optimistic step, a save before the commit is for someone to read the step's writes (a service task's
            // handler, in the transaction it is about to join): from here on the step holds a transaction.
            if (step.Transaction is null) await OpenStepTransactionAsync(step, ct);
            await OptimisticStep.RefusedWhenStale(SaveAsync(commit: false, ct));
            return;
        }
        if (db.Database.CurrentTransaction is not null)
        {
            await SaveAsync(commit: false, ct);
            return;
        }
        if (!HasPending) return;
        await using var transaction = await BeginTransactionAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Saves what is pending in the current transaction; with <paramref name="commit"/>, also commits it in the same
    /// round trip as the engine's records. With no transaction (an optimistic step's commit, nothing pending in EF's
    /// tracker), the engine's records and the history go as one batch, which PostgreSQL runs as one transaction.
    /// </summary>
    private async Task SaveAsync(bool commit, CancellationToken ct)
    {
        var database = db.Database;
        var transaction = (NpgsqlTransaction?)database.CurrentTransaction?.GetDbTransaction();
        var pending = _tracker.Pending();
        if (db.ChangeTracker.HasChanges())
        {
            if (transaction is null)
                throw new InvalidOperationException("EF's changes and the engine's are saved together: begin a transaction first.");
            await db.SaveChangesAsync(ct);
        }
        if (pending.Count == 0 && _history.Count == 0 && !commit) return;
        await StepWriter.For(db).WriteAsync((NpgsqlConnection)database.GetDbConnection(), transaction, pending, _history,
            commit && transaction is not null, ct);
        _history.Clear();
        _tracker.AcceptAll(pending);
    }

    /// <summary>
    /// A step begun by <see cref="BeginStepAsync"/>: Camunda's optimistic locking, in two round trips. Its first load
    /// reads the instance without locking it (<see cref="LockAndLoadAsync"/>) and touches the record only; the commit
    /// sends the touch first, checked against the revision read, then the step's other writes, in one batch without
    /// BEGIN or COMMIT, which PostgreSQL runs as one transaction. If someone changed the instance meanwhile, the check
    /// fails on the server, nothing of the batch is kept, and the commit throws <see cref="WorkflowStaleStateException"/>
    /// so that the engine runs the step again. Two steps on one instance at once therefore both happen, one after the
    /// other, as with a lock; a task completed twice is completed once, the second run finding it closed.
    /// </summary>
    /// <remarks>
    /// A step that needs a transaction on the way (a service task's handler joins it, EF has entities to save) opens
    /// one then and goes on as a locking step: the save that opens it writes the touch, checked as the commit's would be,
    /// and refused the same way (<see cref="SaveChangesAsync"/>), and the case stays locked until the commit.
    /// </remarks>
    private sealed class OptimisticStep(EfWorkflowStore store) : IWorkflowTransaction
    {
        /// <summary>The transaction the step opened when it needed one; null while it has none.</summary>
        public OwnTransaction? Transaction { get; set; }

        public Task CommitAsync(CancellationToken ct) => RefusedWhenStale(CommitCoreAsync(ct));

        private async Task CommitCoreAsync(CancellationToken ct)
        {
            if (Transaction is null && store.HasContextChanges)
                await store.OpenStepTransactionAsync(this, ct);
            if (Transaction is not null) await Transaction.CommitAsync(ct);
            else await store.SaveAsync(commit: true, ct);
        }

        /// <summary>A save that a changed instance (or a row of it) refused, as the engine's conflict to run again.</summary>
        public static async Task RefusedWhenStale(Task save)
        {
            try
            {
                await save;
            }
            catch (DbUpdateConcurrencyException e)
            {
                throw new WorkflowStaleStateException(e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            store._step = null;
            try
            {
                if (Transaction is not null) await Transaction.DisposeAsync();
            }
            finally
            {
                await store.CloseConnectionAsync();
            }
        }
    }

    /// <summary>The caller's transaction: what is pending is saved in it; committing and disposing it is the caller's business.</summary>
    private sealed class JoinedTransaction(EfWorkflowStore store) : IWorkflowTransaction
    {
        public Task CommitAsync(CancellationToken ct) => store.SaveAsync(commit: false, ct);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A transaction begun by the store: rolled back on dispose unless committed.</summary>
    /// <remarks>
    /// While it is open, SaveChanges sets no savepoint of its own (EF's automatic savepoints): a failed save fails the
    /// step, whose whole transaction is then rolled back, so the savepoint would only cost two more round trips
    /// (SAVEPOINT, RELEASE) and a subtransaction on the server on every save.
    /// </remarks>
    private sealed class OwnTransaction : IWorkflowTransaction
    {
        private readonly EfWorkflowStore _store;
        private readonly DatabaseFacade _database;
        private readonly IDbContextTransaction _transaction;
        private readonly bool _autoSavepoints;
        private bool _committed;

        public OwnTransaction(EfWorkflowStore store, DatabaseFacade database, IDbContextTransaction transaction)
        {
            _store = store;
            _database = database;
            _transaction = transaction;
            _autoSavepoints = database.AutoSavepointsEnabled;
            database.AutoSavepointsEnabled = false;
        }

        /// <summary>Saves what is pending and commits, in the step writer's round trip.</summary>
        public async Task CommitAsync(CancellationToken ct)
        {
            await _store.SaveAsync(commit: true, ct);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!_committed)
                    await _transaction.RollbackAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException)
            {
                // The transaction is already over (a failed commit, a broken connection): the server has rolled it
                // back. Throwing here would hide the exception that got us here.
            }
            finally
            {
                _database.AutoSavepointsEnabled = _autoSavepoints;
                await _transaction.DisposeAsync();
            }
        }
    }
}
