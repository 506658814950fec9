using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Workflow;

/// <summary>
/// The statements of <see cref="EfWorkflowStore.LockAndLoadAsync"/>, built once per model: four statements sent as one
/// <see cref="NpgsqlBatch"/> (one round trip), each read by a <see cref="RowReader{T}"/>. In a transaction, the first
/// locks the instance by touching it (<c>UPDATE … SET revision = revision + 1, last_activity_at = … RETURNING</c>: what
/// the step would write at its end anyway, so the lock costs no statement, row version or WAL record of its own); the
/// three SELECTs run after it, so they read the state as the previous holder of the lock committed it. In an optimistic
/// step the first is a plain SELECT of the instance: its revision, read first, is what the commit checks, so a change
/// committed between two of the reads fails the step rather than mixing states. Parameters are positional (<c>$1</c>
/// the id, <c>$2</c> the step's time), as the step writer's: Npgsql sends the texts as they are, without parsing them
/// for named parameters on every step.
/// </summary>
internal sealed class InstanceLoad
{
    private static readonly ConditionalWeakTable<IModel, InstanceLoad> ByModel = new();

    private InstanceLoad(IModel model, ISqlGenerationHelper sql)
    {
        Instances = new RowReader<ProcessInstanceRecord>(model, sql);
        Executions = new RowReader<ExecutionRecord>(model, sql);
        Variables = new RowReader<VariableRecord>(model, sql);
        Tasks = new RowReader<UserTaskRecord>(model, sql);
        // The task's instance, whatever the task's state (a closed task is a conflict, not a missing one).
        var ofTask = $"(SELECT {Tasks.Column(nameof(UserTaskRecord.InstanceId))} FROM {Tasks.Table} WHERE {Tasks.Column(nameof(UserTaskRecord.Id))} = $1)";
        _byInstance = Build("$1", touch: true);
        _byTask = Build(ofTask, touch: true);
        _readByInstance = Build("$1", touch: false);
        _readByTask = Build(ofTask, touch: false);
    }

    public RowReader<ProcessInstanceRecord> Instances { get; }
    public RowReader<ExecutionRecord> Executions { get; }
    public RowReader<VariableRecord> Variables { get; }
    public RowReader<UserTaskRecord> Tasks { get; }

    // The four statements by instance id and by task id, touching the instance or only reading it: $1 is the id, $2 (the
    // touch only) the step's time.
    private readonly string[] _byInstance;
    private readonly string[] _byTask;
    private readonly string[] _readByInstance;
    private readonly string[] _readByTask;

    /// <summary>
    /// The load of the instance <paramref name="id"/> (or of the task <paramref name="id"/>'s instance): touched at
    /// <paramref name="touchedAt"/>, or only read when it is null.
    /// </summary>
    public NpgsqlBatch Batch(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, bool byTask, DateTimeOffset? touchedAt)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        var statements = touchedAt is null ? byTask ? _readByTask : _readByInstance : byTask ? _byTask : _byInstance;
        foreach (var sql in statements)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            batch.BatchCommands.Add(command);
        }
        if (touchedAt is { } at)
            batch.BatchCommands[0].Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at.ToUniversalTime() });
        return batch;
    }

    public static InstanceLoad For(DbContext db) =>
        ByModel.TryGetValue(db.Model, out var built) ? built : ByModel.GetValue(db.Model, model => new InstanceLoad(model,
            db.GetService<ISqlGenerationHelper>()));

    private string[] Build(string instanceId, bool touch)
    {
        var open = Tasks.Literal(nameof(UserTaskRecord.State), UserTaskState.Open);
        var revision = Instances.Column(nameof(ProcessInstanceRecord.Revision));
        var byId = $" WHERE {Instances.Column(nameof(ProcessInstanceRecord.Id))} = {instanceId}";
        return
        [
            touch
                ? $"UPDATE {Instances.Table} SET {revision} = {revision} + 1, {Instances.Column(nameof(ProcessInstanceRecord.LastActivityAt))} = $2"
                  + $"{byId} RETURNING {Instances.Columns}"
                : $"{Instances.Select}{byId}",
            $"{Executions.Select} WHERE {Executions.Column(nameof(ExecutionRecord.InstanceId))} = {instanceId}",
            $"{Variables.Select} WHERE {Variables.Column(nameof(VariableRecord.InstanceId))} = {instanceId}",
            $"{Tasks.Select} WHERE {Tasks.Column(nameof(UserTaskRecord.InstanceId))} = {instanceId}"
            + $" AND {Tasks.Column(nameof(UserTaskRecord.State))} = {open}",
        ];
    }
}
