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
/// <see cref="NpgsqlBatch"/> (one round trip), each read by a <see cref="RowReader{T}"/>. The first locks the instance by
/// touching it (<c>UPDATE … SET revision = revision + 1, last_activity_at = … RETURNING</c>: what the step would write
/// at its end anyway, so the lock costs no statement, row version or WAL record of its own); the three SELECTs run after
/// it, so they read the state as the previous holder of the lock committed it. Parameters are positional (<c>$1</c> the
/// id, <c>$2</c> the step's time), as the step writer's: Npgsql sends the texts as they are, without parsing them for
/// named parameters on every step.
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
        _byInstance = Build("$1");
        // The task's instance, whatever the task's state (a closed task is a conflict, not a missing one).
        _byTask = Build($"(SELECT {Tasks.Column(nameof(UserTaskRecord.InstanceId))} FROM {Tasks.Table} WHERE {Tasks.Column(nameof(UserTaskRecord.Id))} = $1)");
    }

    public RowReader<ProcessInstanceRecord> Instances { get; }
    public RowReader<ExecutionRecord> Executions { get; }
    public RowReader<VariableRecord> Variables { get; }
    public RowReader<UserTaskRecord> Tasks { get; }

    // The four statements by instance id and by task id: $1 is the id, $2 (the touch only) the step's time.
    private readonly string[] _byInstance;
    private readonly string[] _byTask;

    /// <summary>The load of the instance <paramref name="id"/> (or of the task <paramref name="id"/>'s instance), touched at <paramref name="touchedAt"/>.</summary>
    public NpgsqlBatch Batch(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, bool byTask, DateTimeOffset touchedAt)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        foreach (var sql in byTask ? _byTask : _byInstance)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            batch.BatchCommands.Add(command);
        }
        batch.BatchCommands[0].Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = touchedAt.ToUniversalTime() });
        return batch;
    }

    public static InstanceLoad For(DbContext db) =>
        ByModel.TryGetValue(db.Model, out var built) ? built : ByModel.GetValue(db.Model, model => new InstanceLoad(model,
            db.GetService<ISqlGenerationHelper>()));

    private string[] Build(string instanceId)
    {
        var open = Tasks.Literal(nameof(UserTaskRecord.State), UserTaskState.Open);
        var revision = Instances.Column(nameof(ProcessInstanceRecord.Revision));
        return
        [
            $"UPDATE {Instances.Table} SET {revision} = {revision} + 1, {Instances.Column(nameof(ProcessInstanceRecord.LastActivityAt))} = $2"
            + $" WHERE {Instances.Column(nameof(ProcessInstanceRecord.Id))} = {instanceId} RETURNING {Instances.Columns}",
            $"{Executions.Select} WHERE {Executions.Column(nameof(ExecutionRecord.InstanceId))} = {instanceId}",
            $"{Variables.Select} WHERE {Variables.Column(nameof(VariableRecord.InstanceId))} = {instanceId}",
            $"{Tasks.Select} WHERE {Tasks.Column(nameof(UserTaskRecord.InstanceId))} = {instanceId}"
            + $" AND {Tasks.Column(nameof(UserTaskRecord.State))} = {open}",
        ];
    }
}
