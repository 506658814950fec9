using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Workflow;

/// <summary>
/// The statements of <see cref="EfWorkflowStore.LockAndLoadAsync"/>, built once per model: four statements sent as one
/// command (one round trip), each read by a <see cref="RowReader{T}"/>. The first locks the instance by touching it
/// (<c>UPDATE … SET revision = revision + 1, last_activity_at = … RETURNING</c>: what the step would write at its end
/// anyway, so the lock costs no statement, row version or WAL record of its own); the three SELECTs run after it, so
/// they read the state as the previous holder of the lock committed it.
/// </summary>
internal sealed class InstanceLoad
{
    public const string IdParameter = "id";
    public const string TouchedAtParameter = "touched_at";

    private static readonly ConditionalWeakTable<IModel, InstanceLoad> ByModel = new();

    private InstanceLoad(IModel model, ISqlGenerationHelper sql, IRelationalCommandBuilderFactory commands)
    {
        Instances = new RowReader<ProcessInstanceRecord>(model, sql);
        Executions = new RowReader<ExecutionRecord>(model, sql);
        Variables = new RowReader<VariableRecord>(model, sql);
        Tasks = new RowReader<UserTaskRecord>(model, sql);
        var id = sql.GenerateParameterNamePlaceholder(IdParameter);
        ByInstance = Build(commands, sql, id, Instances.Mapping(nameof(ProcessInstanceRecord.Id)));
        // The task's instance, whatever the task's state (a closed task is a conflict, not a missing one).
        ByTask = Build(commands, sql,
            $"(SELECT {Tasks.Column(nameof(UserTaskRecord.InstanceId))} FROM {Tasks.Table} WHERE {Tasks.Column(nameof(UserTaskRecord.Id))} = {id})",
            Tasks.Mapping(nameof(UserTaskRecord.Id)));
        SharedByInstance = BuildShared("$1");
        SharedByTask = BuildShared($"(SELECT {Tasks.Column(nameof(UserTaskRecord.InstanceId))} FROM {Tasks.Table} WHERE {Tasks.Column(nameof(UserTaskRecord.Id))} = $1)");
    }

    /// <summary>
    /// The same four reads for a step in a shared transaction (<see cref="SharedStepTransactions"/>), as separate
    /// statements whose parameter <c>$1</c> is the instance id. The instance is locked by <c>SELECT … FOR UPDATE</c>,
    /// not touched: a step that leaves the group without writing leaves nothing to undo; the touch is written with the
    /// step's other changes.
    /// </summary>
    public string[] SharedByInstance { get; }

    /// <summary>As <see cref="SharedByInstance"/>, <c>$1</c> being a task id.</summary>
    public string[] SharedByTask { get; }

    private string[] BuildShared(string instanceId) =>
    [
        $"{Instances.Select} WHERE {Instances.Column(nameof(ProcessInstanceRecord.Id))} = {instanceId} FOR UPDATE",
        $"{Executions.Select} WHERE {Executions.Column(nameof(ExecutionRecord.InstanceId))} = {instanceId}",
        $"{Variables.Select} WHERE {Variables.Column(nameof(VariableRecord.InstanceId))} = {instanceId}",
        $"{Tasks.Select} WHERE {Tasks.Column(nameof(UserTaskRecord.InstanceId))} = {instanceId}"
        + $" AND {Tasks.Column(nameof(UserTaskRecord.State))} = {Tasks.Literal(nameof(UserTaskRecord.State), UserTaskState.Open)}",
    ];

    public RowReader<ProcessInstanceRecord> Instances { get; }
    public RowReader<ExecutionRecord> Executions { get; }
    public RowReader<VariableRecord> Variables { get; }
    public RowReader<UserTaskRecord> Tasks { get; }

    /// <summary>The parameter <see cref="IdParameter"/> is the instance id, <see cref="TouchedAtParameter"/> the step's time.</summary>
    /// <remarks>
    /// A template, shared by every context: a command keeps per-execution state (its reader), so each execution
    /// copies the template into a command rented from its own connection, as EF's queries do.
    /// </remarks>
    public IRelationalCommandTemplate ByInstance { get; }

    /// <summary>The parameter <see cref="IdParameter"/> is a task id.</summary>
    public IRelationalCommandTemplate ByTask { get; }

    public static InstanceLoad For(DbContext db) =>
        ByModel.TryGetValue(db.Model, out var built) ? built : ByModel.GetValue(db.Model, model => new InstanceLoad(model,
            db.GetService<ISqlGenerationHelper>(), db.GetService<IRelationalCommandBuilderFactory>()));

    private IRelationalCommandTemplate Build(IRelationalCommandBuilderFactory commands, ISqlGenerationHelper sql, string instanceId,
        RelationalTypeMapping idMapping)
    {
        var open = Tasks.Literal(nameof(UserTaskRecord.State), UserTaskState.Open);
        var revision = Instances.Column(nameof(ProcessInstanceRecord.Revision));
        var touchedAt = sql.GenerateParameterNamePlaceholder(TouchedAtParameter);
        var builder = commands.Create()
            .Append($"UPDATE {Instances.Table} SET {revision} = {revision} + 1, {Instances.Column(nameof(ProcessInstanceRecord.LastActivityAt))} = {touchedAt}"
                    + $" WHERE {Instances.Column(nameof(ProcessInstanceRecord.Id))} = {instanceId} RETURNING {Instances.Columns};").AppendLine()
            .Append($"{Executions.Select} WHERE {Executions.Column(nameof(ExecutionRecord.InstanceId))} = {instanceId};").AppendLine()
            .Append($"{Variables.Select} WHERE {Variables.Column(nameof(VariableRecord.InstanceId))} = {instanceId};").AppendLine()
            .Append($"{Tasks.Select} WHERE {Tasks.Column(nameof(UserTaskRecord.InstanceId))} = {instanceId}"
                    + $" AND {Tasks.Column(nameof(UserTaskRecord.State))} = {open}");
        builder.AddParameter(IdParameter, sql.GenerateParameterName(IdParameter), idMapping, nullable: false);
        builder.AddParameter(TouchedAtParameter, sql.GenerateParameterName(TouchedAtParameter),
            Instances.Mapping(nameof(ProcessInstanceRecord.LastActivityAt)), nullable: false);
        return builder.Build();
    }
}
