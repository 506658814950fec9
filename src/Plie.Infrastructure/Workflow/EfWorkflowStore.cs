using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Plie.Infrastructure.Persistence;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Workflow;

/// <summary>
/// <see cref="IWorkflowStore"/> over <see cref="PlieDbContext"/> (scoped, like the context). Records returned by the
/// Get/Lock methods are tracked by the context; the Find methods read without tracking.
/// </summary>
public sealed class EfWorkflowStore(PlieDbContext db, TimeProvider? timeProvider = null) : IWorkflowStore
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
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

    public async Task<IWorkflowTransaction> BeginTransactionAsync(CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
            return new JoinedTransaction(this);
        var transaction = await db.Database.BeginTransactionAsync(ct);
        return new OwnTransaction(this, db.Database, transaction);
    }

    public void Reset()
    {
        db.ChangeTracker.Clear();
        _history.Clear();
    }

    public async Task<ProcessDefinitionRecord?> GetDefinitionAsync(Guid id, CancellationToken ct) =>
        await db.ProcessDefinitions.FindAsync([id], ct);

    public Task<ProcessDefinitionRecord?> GetLatestDefinitionAsync(string key, CancellationToken ct) =>
        db.ProcessDefinitions
            .Where(d => d.Key == key)
            .OrderByDescending(d => d.Version)
            .FirstOrDefaultAsync(ct);

    public Task<Guid?> FindLatestDefinitionIdAsync(string key, CancellationToken ct) =>
        db.ProcessDefinitions
            .AsNoTracking()
            .Where(d => d.Key == key)
            .OrderByDescending(d => d.Version)
            .Select(d => (Guid?)d.Id)
            .FirstOrDefaultAsync(ct);

    public async Task<ProcessInstanceRecord?> LockInstanceAsync(Guid id, CancellationToken ct)
    {
        // Not composed (no LIMIT wrapped around it): the statement is sent as written. Read without tracking, then
        // tracked below: a tracking query would hand back an instance this context already tracks as it was loaded,
        // not as it is now that we hold the lock.
        var rows = await db.ProcessInstances
            .FromSql($"SELECT * FROM wf.process_instances WHERE id = {id} FOR UPDATE")
            .AsNoTracking()
            .ToListAsync(ct);
        if (rows.Count == 0)
            return null;

        return Track(db.ProcessInstances, rows[0], rows[0].Id, keepDeleted: true);
    }

    public async Task<InstanceSnapshot?> LockAndLoadAsync(Guid? instanceId, Guid? taskId, DateTimeOffset touchedAt, CancellationToken ct)
    {
        if (instanceId.HasValue == taskId.HasValue)
            throw new ArgumentException("Give either an instance id or a task id.");
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("LockAndLoadAsync locks the instance until the transaction ends: begin one first.");

        var load = InstanceLoad.For(db);
        var database = db.Database;
        await using var batch = load.Batch((NpgsqlConnection)database.GetDbConnection(),
            (NpgsqlTransaction)database.CurrentTransaction.GetDbTransaction(), (instanceId ?? taskId)!.Value, taskId.HasValue, touchedAt);
        batch.Timeout = database.GetCommandTimeout() ?? batch.Timeout;
        ProcessInstanceRecord instance;
        var executions = new List<ExecutionRecord>();
        var variables = new List<VariableRecord>();
        var tasks = new List<UserTaskRecord>();
        // On the context's connection and in its transaction, one round trip.
        await using (var reader = await batch.ExecuteReaderAsync(ct))
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

        // A step's first load finds the context tracking nothing: then there is nothing to look up (the local views
        // each type's lookup needs would cost more than the attaching itself).
        var untracked = TracksNothing();
        return new InstanceSnapshot(
            TrackTouched(instance, untracked),
            TrackAll(db.Executions, executions, e => e.Id, untracked),
            TrackAll(db.Variables, variables, v => v.Id, untracked),
            TrackAll(db.UserTasks, tasks, t => t.Id, untracked));
    }

    /// <summary>
    /// Tracks the instance the load touched (see <see cref="Track{T}"/>). A copy tracked with pending changes is left as
    /// it is, except when it was read as the row stood just before the touch (its original revision is the one the touch
    /// replaced): the touch is then this unit of work's own, and the copy takes its revision and last activity, so that
    /// its save is not taken for a stale one. A copy older than that still fails its save.
    /// </summary>
    private ProcessInstanceRecord TrackTouched(ProcessInstanceRecord touched, bool untracked)
    {
        var tracked = Track(db.ProcessInstances, touched, touched.Id, keepDeleted: true, untracked)!;
        if (ReferenceEquals(tracked, touched)) return tracked;
        var entry = db.Entry(tracked);
        if (entry.State == EntityState.Modified
            && entry.Property(x => x.Revision).OriginalValue == touched.Revision - 1)
        {
            entry.Property(x => x.Revision).OriginalValue = touched.Revision;
            entry.Property(x => x.Revision).CurrentValue = touched.Revision;
            entry.Property(x => x.LastActivityAt).OriginalValue = touched.LastActivityAt;
            entry.Property(x => x.LastActivityAt).CurrentValue = touched.LastActivityAt;
        }
        return tracked;
    }

    private bool TracksNothing()
    {
        var tracker = db.ChangeTracker;
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false; // detecting changes cannot add or remove entries
        try
        {
            return !tracker.Entries().Any();
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private List<T> TrackAll<T>(DbSet<T> set, List<T> rows, Func<T, Guid> key, bool untracked) where T : class
    {
        var tracked = new List<T>(rows.Count);
        foreach (var row in rows)
            if (Track(set, row, key(row), keepDeleted: false, untracked) is { } entity)
                tracked.Add(entity);
        return tracked;
    }

    /// <summary>
    /// Tracks a record just read (under the lock) as Unchanged. If the context already tracks that row unchanged, the
    /// record it holds is refreshed instead, so that references to it stay valid. A record with pending changes is left
    /// as it is (the Revision check of the instance will reject a stale save); one being deleted is dropped, unless
    /// <paramref name="keepDeleted"/>.
    /// </summary>
    /// <param name="untracked">The context tracks nothing at all (so not this row either).</param>
    private T? Track<T>(DbSet<T> set, T current, Guid id, bool keepDeleted, bool untracked = false) where T : class
    {
        var entry = untracked ? null : set.Local.FindEntry(id);
        if (entry is null)
        {
            // The record alone (it has no navigations): no graph to walk, as Attach would.
            db.Entry(current).State = EntityState.Unchanged;
            return current;
        }
        switch (entry.State)
        {
            case EntityState.Unchanged:
                entry.CurrentValues.SetValues(current);
                entry.OriginalValues.SetValues(current);
                entry.State = EntityState.Unchanged;
                return entry.Entity;
            case EntityState.Deleted when !keepDeleted:
                return null;
            default:
                return entry.Entity;
        }
    }

    public Task<List<VariableRecord>> GetVariablesAsync(Guid instanceId, CancellationToken ct) =>
        db.Variables.Where(v => v.InstanceId == instanceId).ToListAsync(ct);

    public Task<List<JobRecord>> GetJobsAsync(Guid instanceId, CancellationToken ct) =>
        db.Jobs.Where(j => j.InstanceId == instanceId).ToListAsync(ct);

    public Task<List<MessageSubscriptionRecord>> GetSubscriptionsAsync(Guid instanceId, CancellationToken ct) =>
        db.MessageSubscriptions.Where(s => s.InstanceId == instanceId).ToListAsync(ct);

    public Task<List<IncidentRecord>> GetOpenIncidentsAsync(Guid instanceId, CancellationToken ct) =>
        db.Incidents
            .Where(i => i.InstanceId == instanceId && i.ResolvedAt == null)
            .ToListAsync(ct);

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
        await db.Jobs.FindAsync([jobId], ct);

    public async Task<IncidentRecord?> GetIncidentAsync(Guid incidentId, CancellationToken ct) =>
        await db.Incidents.FindAsync([incidentId], ct);

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

    public Task<List<ProcessDefinitionRecord>> GetDefinitionVersionsAsync(string key, CancellationToken ct) =>
        db.ProcessDefinitions
            .Where(d => d.Key == key)
            .OrderByDescending(d => d.Version)
            .ToListAsync(ct);

    public Task<List<JobRecord>> GetStartJobsAsync(IReadOnlyCollection<Guid> definitionIds, CancellationToken ct)
    {
        var ids = definitionIds.ToArray();
        return db.Jobs
            .Where(j => j.Kind == JobKind.TimerStart && j.DefinitionId != null && ids.Contains(j.DefinitionId.Value))
            .ToListAsync(ct);
    }

    public Task<List<MessageSubscriptionRecord>> GetStartSubscriptionsAsync(
        IReadOnlyCollection<Guid> definitionIds, CancellationToken ct)
    {
        var ids = definitionIds.ToArray();
        return db.MessageSubscriptions
            .Where(s => s.InstanceId == null && s.DefinitionId != null && ids.Contains(s.DefinitionId.Value))
            .ToListAsync(ct);
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
    /// Adds a record; a history event is kept aside (not tracked) and written by the next save, in order. Written by
    /// the step writer, a history event's <see cref="HistoryEventRecord.Id"/> is not read back.
    /// </summary>
    public void Add(object record)
    {
        if (record is HistoryEventRecord history) _history.Add(history);
        else db.Add(record);
    }

    public void Remove(object record) => db.Remove(record);

    /// <summary>
    /// Inside a transaction, when only engine records are pending (a step), writes them and the history in one batch
    /// (<see cref="StepWriter"/>); otherwise through EF's SaveChanges, the history events added to the context first.
    /// </summary>
    public async Task SaveChangesAsync(CancellationToken ct) => await SaveAsync(commit: false, ct);

    /// <summary>
    /// Saves what is pending; with <paramref name="commit"/>, also commits the current transaction in the same round
    /// trip when the step writer does the save. Returns whether it committed (else the caller commits).
    /// </summary>
    private async Task<bool> SaveAsync(bool commit, CancellationToken ct)
    {
        var database = db.Database;
        var tracker = db.ChangeTracker;
        tracker.DetectChanges();
        var writer = StepWriter.For(db);
        var pending = new List<EntityEntry>();
        var own = database.CurrentTransaction is not null;
        // Changes were just detected: the enumeration need not detect them again.
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in tracker.Entries())
            {
                if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
                pending.Add(entry);
                own &= writer.Handles(entry);
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }
        if (!own)
        {
            db.AddRange(_history);
            _history.Clear();
            await db.SaveChangesAsync(ct);
            return false;
        }
        if (pending.Count == 0 && _history.Count == 0 && !commit) return false;
        await writer.WriteAsync((NpgsqlConnection)database.GetDbConnection(),
            (NpgsqlTransaction)database.CurrentTransaction!.GetDbTransaction(), pending, _history, commit, ct);
        _history.Clear();
        tracker.AcceptAllChanges();
        return commit;
    }

    /// <summary>The caller's transaction: what is pending is saved in it; committing and disposing it is the caller's business.</summary>
    private sealed class JoinedTransaction(EfWorkflowStore store) : IWorkflowTransaction
    {
        public Task CommitAsync(CancellationToken ct) => store.SaveChangesAsync(ct);

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

        /// <summary>Saves what is pending and commits: one round trip for both when the step writer saves.</summary>
        public async Task CommitAsync(CancellationToken ct)
        {
            if (!await _store.SaveAsync(commit: true, ct))
                await _transaction.CommitAsync(ct);
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
