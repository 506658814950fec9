using Npgsql;
using NpgsqlTypes;

namespace Plie.Benchmarks;

/// <summary>
/// The benchmark's step (complete task a of a bench-step instance, task b created) written by hand: the statements the
/// engine sends, as <c>--statements</c> shows them, in the same two round trips (the reads; the checked touch and the
/// writes, one implicit transaction), on the app's data source, with no engine, EF, DI or Mediator around them. What no engine could beat with this schema and
/// this history: the step ratio's ceiling on this machine, and, against the engine's step, what the app adds.
/// </summary>
/// <remarks>
/// Without its history (<c>--by-hand-history none</c>: not a step the issue accepts), it says what the history costs one.
/// The texts are copies, on purpose (the point is to send them without the engine): when the engine's statements change
/// (<c>InstanceLoad</c>, <c>StepWriter</c>), copy them again from a <c>--statements</c> run, here and in
/// <c>pgbench/step.sql</c> (the same step sent from pgbench).
/// </remarks>
internal static class SqlStep
{
    private const string Instance = """
        SELECT id, business_key, definition_id, definition_key, definition_version, end_reason, ended_at, last_activity_at, parent_execution_id, parent_instance_id, revision, started_at, started_by, state FROM wf.process_instances WHERE id = (SELECT instance_id FROM wf.user_tasks WHERE id = $1)
        """;
    private const string Executions = """
        SELECT id, activity_id, arrived_via, entered_at, instance_id, is_multi_instance_root, loop_counter, parent_id, state FROM wf.executions WHERE instance_id = (SELECT instance_id FROM wf.user_tasks WHERE id = $1)
        """;
    private const string Variables = """
        SELECT id, execution_id, instance_id, json, name, type FROM wf.variables WHERE instance_id = (SELECT instance_id FROM wf.user_tasks WHERE id = $1)
        """;
    private const string Tasks = """
        SELECT id, assignee, business_key, candidate_groups, candidate_users, claimed_at, completed_at, completed_by, created_at, due_at, element_id, execution_id, follow_up_at, form_fields_json, form_key, instance_id, name, priority, process_key, revision, state FROM wf.user_tasks WHERE instance_id = (SELECT instance_id FROM wf.user_tasks WHERE id = $1) AND state = 'Open'
        """;
    private const string Touch = """
        UPDATE wf.process_instances SET last_activity_at = $1, revision = $2 WHERE id = $3 AND (revision = $4 OR wf.stale_row('wf.process_instances', $3::text))
        """;
    private const string MoveToken = "UPDATE wf.executions SET activity_id = $1, arrived_via = $2, entered_at = $3 WHERE id = $4";
    private const string CompleteTask = """
        UPDATE wf.user_tasks SET completed_at = $1, completed_by = $2, revision = $3, state = $4 WHERE id = $5 AND (revision = $6 OR wf.stale_row($7, $5::text))
        """;
    private const string CreateTask = """
        INSERT INTO wf.user_tasks (id, assignee, business_key, candidate_groups, candidate_users, claimed_at, completed_at, completed_by, created_at, due_at, element_id, execution_id, follow_up_at, form_fields_json, form_key, instance_id, name, priority, process_key, revision, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
        """;
    private const string HistoryInsert = """
        INSERT INTO wf.history_events (instance_id, at, data, element_id, element_name, element_type, task_id, type, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9), ($10, $11, $12, $13, $14, $15, $16, $17, $18), ($19, $20, $21, $22, $23, $24, $25, $26, $27), ($28, $29, $30, $31, $32, $33, $34, $35, $36)
        """;

    /// <summary>The four events the engine records for this step, as it writes them.</summary>
    private static readonly (string Type, string Element, string? Name, bool Task, string? Data)[] Events =
    [
        ("TaskCompleted", "a", "A", true, """{"variables": {}}"""),
        ("ElementLeft", "a", "A", false, null),
        ("ElementEntered", "b", "B", false, """{"via": "f2"}"""),
        ("TaskCreated", "b", "B", true, """{"dueAt": null, "assignee": null, "candidateGroups": ["conseiller"]}"""),
    ];

    /// <summary>Completes the open task a <paramref name="taskId"/> and opens task b, as the engine would.</summary>
    public static async Task RunAsync(NpgsqlDataSource dataSource, Guid taskId, bool withHistory, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        await using var connection = await dataSource.OpenConnectionAsync(ct);

        // Round trip 1: the four reads, no lock, no transaction.
        Guid instanceId;
        int instanceRevision;
        Guid executionId = default;
        var taskRevision = -1;
        await using (var load = new NpgsqlBatch(connection))
        {
            load.BatchCommands.Add(Command(Instance, taskId));
            load.BatchCommands.Add(Command(Executions, taskId));
            load.BatchCommands.Add(Command(Variables, taskId));
            load.BatchCommands.Add(Command(Tasks, taskId));
            await using var reader = await load.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException($"No instance for task {taskId}.");
            instanceId = reader.GetGuid(0);
            instanceRevision = reader.GetInt32(10);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                if (reader.GetString(1) == "a") executionId = reader.GetGuid(0);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) { }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                if (reader.GetGuid(0) == taskId) taskRevision = reader.GetInt32(19);
        }
        if (executionId == default || taskRevision < 0) throw new InvalidOperationException($"Task {taskId} is not open at a.");

        // Round trip 2, one batch that PostgreSQL runs as one transaction: the touch checked against the revision read,
        // then the writes (token moved, task a completed, task b created, four history events).
        var newTask = Guid.CreateVersion7(now);
        await using var write = new NpgsqlBatch(connection);
        write.BatchCommands.Add(Command(Touch, now, instanceRevision + 1, instanceId, instanceRevision));
        write.BatchCommands.Add(Command(MoveToken, "b", "f2", now, executionId));
        write.BatchCommands.Add(Command(CompleteTask, now, "bench", taskRevision + 1, "Completed", taskId, taskRevision, "wf.user_tasks"));
        // The nulls typed as the engine types them (EF's mappings): a parameter of another type would make Npgsql send
        // the statement unprepared, and PostgreSQL plan it again on every step.
        write.BatchCommands.Add(Command(CreateTask, newTask, Null(NpgsqlDbType.Text), Null(NpgsqlDbType.Text), new[] { "conseiller" },
            Array.Empty<string>(), Null(NpgsqlDbType.TimestampTz), Null(NpgsqlDbType.TimestampTz), Null(NpgsqlDbType.Text), now,
            Null(NpgsqlDbType.TimestampTz), "b", executionId, Null(NpgsqlDbType.TimestampTz), Null(NpgsqlDbType.Jsonb),
            Null(NpgsqlDbType.Text), instanceId, "B", 50, "bench-step", 0, "Open"));
        if (withHistory) write.BatchCommands.Add(History(instanceId, now, taskId, newTask));
        await write.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand History(Guid instanceId, DateTimeOffset now, Guid taskId, Guid newTask)
    {
        var history = new NpgsqlBatchCommand(HistoryInsert);
        foreach (var e in Events)
        {
            history.Parameters.Add(new NpgsqlParameter { Value = instanceId });
            history.Parameters.Add(new NpgsqlParameter { Value = now });
            history.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Data ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
            history.Parameters.Add(new NpgsqlParameter { Value = e.Element });
            history.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Name ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            history.Parameters.Add(new NpgsqlParameter { Value = "userTask" });
            history.Parameters.Add(new NpgsqlParameter { Value = e.Task ? (e.Element == "a" ? taskId : newTask) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            history.Parameters.Add(new NpgsqlParameter { Value = e.Type });
            history.Parameters.Add(new NpgsqlParameter { Value = "bench" });
        }
        return history;
    }

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(value switch
            {
                NpgsqlParameter given => given,
                null => throw new ArgumentException("Give a null as Null(type), typed as the engine types it.", nameof(values)),
                _ => new NpgsqlParameter { Value = value },
            });
        return command;
    }

    private static NpgsqlParameter Null(NpgsqlDbType type) => new() { Value = DBNull.Value, NpgsqlDbType = type };
}
