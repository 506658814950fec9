using System.Collections.Concurrent;
using System.Data;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Plie.Infrastructure.Persistence;
using Plie.Infrastructure.Workflow;
using Plie.Testing;
using Plie.Workflow;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Workflow;

/// <summary>The EF Core store on a real PostgreSQL: each test gets its own freshly migrated database.</summary>
public sealed class EfWorkflowStoreTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A fixed instant with microsecond precision (what timestamptz keeps).</summary>
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 30, 15, 123, TimeSpan.Zero);

    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabases.CreateAsync("plie-empty", _ => Task.CompletedTask);
        _services = new ServiceCollection()
            .AddLogging()
            .AddPlieInfrastructure(_connectionString)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        await using var unit = Unit();
        await unit.Db.Database.MigrateAsync(Ct);
    }

    private string _connectionString = "";

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await TestDatabases.DropAsync(_connectionString);
    }

    // ---------------------------------------------------------------- schema

    [Fact]
    public async Task Migration_creates_the_workflow_tables_with_the_expected_types()
    {
        await using var unit = Unit();
        Assert.Empty(await unit.Db.Database.GetPendingMigrationsAsync(Ct));
        Assert.Contains(await unit.Db.Database.GetAppliedMigrationsAsync(Ct), m => m.EndsWith("_InitialWorkflow"));

        var tables = await QueryAsync<string>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'wf' ORDER BY table_name");
        Assert.Equal(
            ["executions", "history_events", "incidents", "jobs", "message_subscriptions", "process_definitions",
             "process_instances", "user_tasks", "variables"],
            tables);

        Assert.Equal("text", await ColumnTypeAsync("process_instances", "state"));
        Assert.Equal("text", await ColumnTypeAsync("jobs", "kind"));
        Assert.Equal("text", await ColumnTypeAsync("process_definitions", "xml"));
        Assert.Equal("_text", await ColumnTypeAsync("user_tasks", "candidate_groups"));
        Assert.Equal("_text", await ColumnTypeAsync("user_tasks", "candidate_users"));
        Assert.Equal("jsonb", await ColumnTypeAsync("variables", "json"));
        Assert.Equal("jsonb", await ColumnTypeAsync("history_events", "data"));
        Assert.Equal("jsonb", await ColumnTypeAsync("user_tasks", "form_fields_json"));
        Assert.Equal("timestamptz", await ColumnTypeAsync("jobs", "due_at"));
        Assert.Equal("int8", await ColumnTypeAsync("history_events", "id"));
        Assert.Equal(
            ["YES"],
            await QueryAsync<string>("SELECT is_identity FROM information_schema.columns "
                + "WHERE table_schema = 'wf' AND table_name = 'history_events' AND column_name = 'id'"));

        var indexes = (await QueryAsync<string>("SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'wf'"))
            .ToDictionary(i => i[..i.IndexOf(':')], i => i);
        Assert.Contains("UNIQUE", indexes["ix_process_definitions_key_version"]);
        Assert.Contains("WHERE (retries > 0)", indexes["ix_jobs_due_at"]);
        Assert.Contains("USING gin (candidate_groups) WHERE (state = 'Open'::text)", indexes["ix_user_tasks_candidate_groups"]);
        Assert.Contains("WHERE ((state = 'Open'::text) AND (assignee IS NOT NULL))", indexes["ix_user_tasks_assignee"]);
        Assert.Contains("USING gin (candidate_users) WHERE ((state = 'Open'::text) AND (cardinality(candidate_users) > 0))",
            indexes["ix_user_tasks_candidate_users"]);
        // History is keyed by case, then order: the key is the only index a step's events are written to.
        Assert.Contains("UNIQUE INDEX pk_history_events ON wf.history_events USING btree (instance_id, id)", indexes["pk_history_events"]);
        Assert.Single(indexes.Keys, name => name.StartsWith("ix_history_events", StringComparison.Ordinal) || name == "pk_history_events");
        Assert.Contains("WHERE (resolved_at IS NULL)", indexes["ix_incidents_open"]);
    }

    [Fact]
    public async Task The_store_is_scoped_like_the_context()
    {
        await using var scope1 = _services.CreateAsyncScope();
        await using var scope2 = _services.CreateAsyncScope();
        var store = scope1.ServiceProvider.GetRequiredService<IWorkflowStore>();
        Assert.IsType<EfWorkflowStore>(store);
        Assert.Same(store, scope1.ServiceProvider.GetRequiredService<IWorkflowStore>());
        Assert.NotSame(store, scope2.ServiceProvider.GetRequiredService<IWorkflowStore>());
        Assert.Same(_services.GetRequiredService<NpgsqlDataSource>(), _services.GetRequiredService<NpgsqlDataSource>());
    }

    // ---------------------------------------------------------------- round trips

    [Fact]
    public async Task Definition_and_instance_round_trip()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Cancelled);
        instance.EndedAt = T0.AddHours(1);
        instance.EndReason = "stopped";
        instance.ParentInstanceId = Guid.NewGuid();
        instance.ParentExecutionId = Guid.NewGuid();
        instance.Revision = 7;
        await SaveAsync(definition, instance);

        await using var unit = Unit();
        AssertSameRecord(definition, await unit.Db.ProcessDefinitions.AsNoTracking().SingleAsync(Ct));
        AssertSameRecord(instance, await unit.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct));
        Assert.Equal(["Cancelled"], await QueryAsync<string>("SELECT state FROM wf.process_instances"));
    }

    [Fact]
    public async Task Execution_and_variable_round_trip()
    {
        var instanceId = Guid.NewGuid();
        var execution = new ExecutionRecord
        {
            Id = Guid.NewGuid(), InstanceId = instanceId, ParentId = Guid.NewGuid(), ActivityId = "join",
            State = ExecutionState.Joining, IsMultiInstanceRoot = true, LoopCounter = 3, ArrivedVia = "flow_2",
            EnteredAt = T0,
        };
        var processVariable = new VariableRecord
        {
            Id = Guid.NewGuid(), InstanceId = instanceId, Name = "order", Type = "Json",
            Json = """{"lines":[{"sku":"A-1","qty":2}],"total":12.5,"note":"été"}""",
        };
        var localVariable = new VariableRecord
        {
            Id = Guid.NewGuid(), InstanceId = instanceId, ExecutionId = execution.Id, Name = "n", Type = "Null",
            Json = "null",
        };
        await SaveAsync(execution, processVariable, localVariable);

        await using var unit = Unit();
        AssertSameRecord(execution, await unit.Db.Executions.AsNoTracking().SingleAsync(Ct));
        var variables = await unit.Store.GetVariablesAsync(instanceId, Ct);
        AssertSameRecord(processVariable, variables.Single(v => v.Name == "order"));
        AssertSameRecord(localVariable, variables.Single(v => v.Name == "n"));
        Assert.Equal(["Joining"], await QueryAsync<string>("SELECT state FROM wf.executions"));
        Assert.Equal(["A-1"], await QueryAsync<string>("SELECT json -> 'lines' -> 0 ->> 'sku' FROM wf.variables WHERE name = 'order'"));
    }

    [Fact]
    public async Task User_task_round_trip()
    {
        var task = UserTask(Guid.NewGuid(), UserTaskState.Completed);
        task.BusinessKey = "P-42";
        task.Name = "Valider";
        task.Assignee = "alice";
        task.CandidateGroups = ["managers", "hr"];
        task.CandidateUsers = ["bob"];
        task.DueAt = T0.AddDays(2);
        task.FollowUpAt = T0.AddDays(1);
        task.Priority = 80;
        task.FormKey = "form:validate";
        task.FormFieldsJson = """[{"id":"approved","type":"boolean","label":"Approuvé ?"}]""";
        task.ClaimedAt = T0.AddMinutes(5);
        task.CompletedAt = T0.AddMinutes(10);
        task.CompletedBy = "alice";
        task.Revision = 3;
        var bare = UserTask(Guid.NewGuid(), UserTaskState.Open);
        await SaveAsync(task, bare);

        await using var unit = Unit();
        AssertSameRecord(task, await unit.Db.UserTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id, Ct));
        AssertSameRecord(bare, await unit.Db.UserTasks.AsNoTracking().SingleAsync(t => t.Id == bare.Id, Ct));
        Assert.Equal(["Completed"], await QueryAsync<string>($"SELECT state FROM wf.user_tasks WHERE id = '{task.Id}'"));
        // The array column is a real text[]: the inbox can use the array operators.
        Assert.Equal(1, await unit.Db.UserTasks.CountAsync(t => t.CandidateGroups.Contains("hr"), Ct));
    }

    [Fact]
    public async Task Job_subscription_and_incident_round_trip()
    {
        var job = new JobRecord
        {
            Id = Guid.NewGuid(), Kind = JobKind.BoundaryTimer, InstanceId = Guid.NewGuid(), ExecutionId = Guid.NewGuid(),
            DefinitionId = Guid.NewGuid(), ElementId = "timer_1", DueAt = T0, Retries = 3, LockOwner = "worker-1",
            LockExpiresAt = T0.AddMinutes(5), RepeatsLeft = -1, RepeatInterval = "PT1H", LastError = "boom",
            CreatedAt = T0.AddMinutes(-1),
        };
        var subscription = new MessageSubscriptionRecord
        {
            Id = Guid.NewGuid(), MessageName = "paid", InstanceId = Guid.NewGuid(), ExecutionId = Guid.NewGuid(),
            DefinitionId = Guid.NewGuid(), BusinessKey = "P-1", ElementId = "wait_paid", CreatedAt = T0,
        };
        var incident = new IncidentRecord
        {
            Id = Guid.NewGuid(), InstanceId = Guid.NewGuid(), ExecutionId = Guid.NewGuid(), JobId = job.Id,
            ElementId = "call_api", Message = "HTTP 500", Details = "stack…", CreatedAt = T0,
            ResolvedAt = T0.AddHours(1), ResolvedBy = "ops",
        };
        await SaveAsync(job, subscription, incident);

        await using var unit = Unit();
        AssertSameRecord(job, await unit.Db.Jobs.AsNoTracking().SingleAsync(Ct));
        AssertSameRecord(subscription, await unit.Db.MessageSubscriptions.AsNoTracking().SingleAsync(Ct));
        AssertSameRecord(incident, await unit.Db.Incidents.AsNoTracking().SingleAsync(Ct));
        Assert.Equal(["BoundaryTimer"], await QueryAsync<string>("SELECT kind FROM wf.jobs"));
    }

    [Fact]
    public async Task History_events_get_increasing_ids_in_write_order()
    {
        var instanceId = Guid.NewGuid();
        var events = Enumerable.Range(0, 5).Select(i => new HistoryEventRecord
        {
            InstanceId = instanceId, At = T0.AddSeconds(i), Type = HistoryTypes.ElementEntered, ElementId = $"e{i}",
            ElementType = "userTask", ElementName = "Étape", TaskId = Guid.NewGuid(), UserId = "alice",
            Data = i == 0 ? null : $$"""{"i":{{i}}}""",
        }).ToList();
        await SaveAsync([.. events]);
        var more = new HistoryEventRecord { InstanceId = instanceId, At = T0, Type = HistoryTypes.InstanceCompleted };
        await SaveAsync(more);

        // The ids follow the order of writing (they are not read back).
        await using var unit = Unit();
        var read = await unit.Db.HistoryEvents.AsNoTracking()
            .Where(e => e.InstanceId == instanceId).OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal(6, read.Count);
        Assert.All(read, e => Assert.True(e.Id > 0));
        for (var i = 0; i < events.Count; i++)
        {
            events[i].Id = read[i].Id;
            AssertSameRecord(events[i], read[i]);
        }
        Assert.Equal(HistoryTypes.InstanceCompleted, read[^1].Type);
    }

    [Theory]
    [InlineData(3, 2)] // a step's few events: rows of VALUES
    [InlineData(20, 1)] // more than a VALUES statement takes (16): arrays, unnested in order
    public async Task In_a_transaction_history_events_are_written_in_order_with_the_rest_of_the_step(int beforeFlush, int afterFlush)
    {
        // Inside a transaction (a step), the store writes with its own batch: the history as one multi-row INSERT.
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        var events = Enumerable.Range(0, beforeFlush + afterFlush).Select(i => new HistoryEventRecord
        {
            InstanceId = instance.Id, At = T0.AddSeconds(i).ToOffset(TimeSpan.FromHours(2)), Type = HistoryTypes.ElementEntered,
            ElementId = $"e{i}", ElementType = "userTask", ElementName = "Étape", TaskId = i == 1 ? null : Guid.NewGuid(),
            UserId = i == 2 ? null : "alice", Data = i == 0 ? null : $$"""{"i":{{i}}}""",
        }).ToList();
        await using (var unit = Unit())
        {
            await using var tx = await unit.Store.BeginTransactionAsync(Ct);
            unit.Store.Add(definition);
            unit.Store.Add(instance);
            foreach (var e in events.Take(beforeFlush)) unit.Store.Add(e);
            await unit.Store.SaveChangesAsync(Ct); // a flush mid-step, as before a service task
            foreach (var e in events.Skip(beforeFlush)) unit.Store.Add(e);
            instance.Revision++;
            await unit.Store.SaveChangesAsync(Ct);
            await tx.CommitAsync(Ct);
            Assert.Equal(2, unit.Ef.Tracked); // the definition and the instance, as saved
            Assert.False(unit.Ef.HasPending);
        }

        await using var check = Unit();
        Assert.Equal(1, (await check.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct)).Revision);
        var read = await check.Db.HistoryEvents.AsNoTracking()
            .Where(e => e.InstanceId == instance.Id).OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal(events.Select(e => e.ElementId), read.Select(e => e.ElementId));
        for (var i = 0; i < events.Count; i++)
        {
            events[i].Id = read[i].Id;
            AssertSameRecord(events[i], read[i]);
        }
    }

    /// <summary>
    /// A running instance saved, then read by a second unit of work, after which another unit bumps its revision: the
    /// second unit's copy is stale.
    /// </summary>
    private async Task<(ProcessInstanceRecord Instance, UnitOfWork Stale, ProcessInstanceRecord StaleCopy)> StaleInstanceAsync()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        await SaveAsync(definition, instance);
        await using var first = Unit();
        var stale = Unit();
        var a = await first.Db.ProcessInstances.SingleAsync(Ct);
        var b = await stale.Db.ProcessInstances.SingleAsync(Ct);
        await using var tx = await first.Store.BeginTransactionAsync(Ct);
        a.Revision++;
        a.LastActivityAt = T0.AddMinutes(1);
        await tx.CommitAsync(Ct);
        return (instance, stale, b);
    }

    [Fact]
    public async Task In_a_transaction_a_stale_instance_revision_fails_the_save()
    {
        var (_, second, b) = await StaleInstanceAsync();
        await using (second)
        await using (var tx = await second.Store.BeginTransactionAsync(Ct))
        {
            b.Revision++;
            b.State = InstanceState.Cancelled;
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.Store.SaveChangesAsync(Ct));
        }

        await using var check = Unit();
        var stored = await check.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct);
        Assert.Equal((1, InstanceState.Running), (stored.Revision, stored.State));
    }

    [Fact]
    public async Task In_a_transaction_a_stale_row_among_other_writes_fails_the_commit_and_the_step_keeps_nothing()
    {
        // The last save of a step goes with its COMMIT in one batch: a stale revision in one of the writes fails on the
        // server, the rest of the batch (COMMIT included) is skipped, and the step leaves none of its writes.
        var (instance, second, b) = await StaleInstanceAsync();
        await using (second)
        await using (var tx = await second.Store.BeginTransactionAsync(Ct))
        {
            b.Revision++;
            b.LastActivityAt = T0.AddHours(1);
            second.Store.Add(Execution(instance.Id));
            second.Store.Add(new HistoryEventRecord { InstanceId = instance.Id, At = T0, Type = HistoryTypes.ElementEntered, ElementId = "x" });
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => tx.CommitAsync(Ct));
        }

        await using var check = Unit();
        Assert.Equal(1, (await check.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct)).Revision);
        Assert.False(await check.Db.Executions.AnyAsync(Ct));
        Assert.False(await check.Db.HistoryEvents.AnyAsync(e => e.InstanceId == instance.Id, Ct));
    }

    [Fact]
    public async Task Times_with_an_offset_are_stored_as_the_same_instant()
    {
        var paris = TimeSpan.FromHours(2);
        var definition = Definition("tz", 1);
        definition.DeployedAt = new DateTimeOffset(2026, 6, 1, 10, 0, 0, paris);
        var instance = Instance(definition, InstanceState.Completed);
        instance.EndedAt = new DateTimeOffset(2026, 6, 1, 11, 0, 0, paris);
        await SaveAsync(definition, instance);

        await using var unit = Unit();
        var readDefinition = await unit.Db.ProcessDefinitions.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(definition.DeployedAt, readDefinition.DeployedAt);
        Assert.Equal(TimeSpan.Zero, readDefinition.DeployedAt.Offset);
        var readInstance = await unit.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(instance.EndedAt, readInstance.EndedAt);
        // Parameters compared with a column are converted too.
        var localNow = new DateTimeOffset(2026, 6, 1, 10, 30, 0, paris);
        Assert.Equal(1, await unit.Db.ProcessInstances.CountAsync(i => i.EndedAt > localNow, Ct));
    }

    // ---------------------------------------------------------------- queries

    [Fact]
    public async Task Definitions_are_read_by_key_newest_first_and_tracked()
    {
        var v1 = Definition("order", 1);
        var v2 = Definition("order", 2);
        var other = Definition("other", 5);
        await SaveAsync(v1, v2, other);

        await using var unit = Unit();
        var latest = await unit.Store.GetLatestDefinitionAsync("order", Ct);
        Assert.Equal(v2.Id, latest!.Id);
        Assert.Equal(1, unit.Ef.Tracked);
        Assert.False(unit.Ef.HasPending);
        Assert.Null(await unit.Store.GetLatestDefinitionAsync("missing", Ct));
        Assert.Equal(v2.Id, await unit.Store.FindLatestDefinitionIdAsync("order", Ct));
        Assert.Null(await unit.Store.FindLatestDefinitionIdAsync("missing", Ct));
        Assert.Equal([2, 1], (await unit.Store.GetDefinitionVersionsAsync("order", Ct)).Select(d => d.Version));
        Assert.Same(latest, await unit.Store.GetDefinitionAsync(v2.Id, Ct));
        Assert.Null(await unit.Store.GetDefinitionAsync(Guid.NewGuid(), Ct));

        // (key, version) is unique.
        await using var clash = Unit();
        clash.Store.Add(Definition("order", 2));
        await Assert.ThrowsAsync<DbUpdateException>(() => clash.Store.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task Instance_state_is_read_by_instance_and_tracked()
    {
        var instanceId = Guid.NewGuid();
        var otherId = Guid.NewGuid();
        var open = UserTask(instanceId, UserTaskState.Open);
        var done = UserTask(instanceId, UserTaskState.Completed);
        var openIncident = Incident(instanceId, resolved: false);
        var resolvedIncident = Incident(instanceId, resolved: true);
        await SaveAsync(
            Execution(instanceId), Execution(instanceId), Execution(otherId),
            Variable(instanceId, "a"), Variable(otherId, "b"),
            open, done, UserTask(otherId, UserTaskState.Open),
            Job(instanceId, T0), Job(otherId, T0),
            Subscription("m", instanceId, "k"), Subscription("m", otherId, "k"),
            openIncident, resolvedIncident, Incident(otherId, resolved: false));

        await using var unit = Unit();
        Assert.Equal("a", Assert.Single(await unit.Store.GetVariablesAsync(instanceId, Ct)).Name);
        Assert.Single(await unit.Store.GetJobsAsync(instanceId, Ct));
        Assert.Single(await unit.Store.GetSubscriptionsAsync(instanceId, Ct));
        Assert.Equal(openIncident.Id, Assert.Single(await unit.Store.GetOpenIncidentsAsync(instanceId, Ct)).Id);
        Assert.Equal(1 + 1 + 1 + 1, unit.Ef.Tracked);
        Assert.False(unit.Ef.HasPending);

        Assert.NotNull(await unit.Store.GetIncidentAsync(resolvedIncident.Id, Ct));
        Assert.Null(await unit.Store.GetJobAsync(Guid.NewGuid(), Ct));
        Assert.Null(await unit.Store.GetIncidentAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task Changes_to_tracked_records_are_saved_and_Reset_forgets_them()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        var job = Job(instance.Id, T0);
        await SaveAsync(definition, instance, job);

        await using (var unit = Unit())
        {
            var loaded = (await unit.Store.GetJobAsync(job.Id, Ct))!;
            loaded.Retries = 1;
            loaded.LastError = "timeout";
            unit.Store.Remove((await unit.Store.GetDefinitionAsync(definition.Id, Ct))!);
            unit.Store.Add(Execution(instance.Id));
            await unit.Store.SaveChangesAsync(Ct);

            var again = (await unit.Store.GetJobAsync(job.Id, Ct))!;
            again.Retries = 0;
            unit.Store.Add(Execution(instance.Id));
            unit.Store.Reset();
            Assert.Equal(0, unit.Ef.Tracked);
            Assert.False(unit.Ef.HasPending);
            await unit.Store.SaveChangesAsync(Ct);
        }

        await using var check = Unit();
        var saved = await check.Db.Jobs.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(1, saved.Retries);
        Assert.Equal("timeout", saved.LastError);
        Assert.False(await check.Db.ProcessDefinitions.AnyAsync(Ct));
        Assert.Equal(1, await check.Db.Executions.CountAsync(Ct));
    }

    [Fact]
    public async Task A_save_writes_what_changed_since_the_read_arrays_changed_in_place_and_nulls_included()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        var task = UserTask(instance.Id, UserTaskState.Open);
        task.CandidateGroups = ["conseiller", "rda"];
        var dueAt = T0.AddDays(2);
        task.DueAt = dueAt;
        await SaveAsync(definition, instance, task);

        await using (var unit = Unit())
        {
            await using var tx = await unit.Store.BeginTransactionAsync(Ct);
            var loaded = Assert.Single((await unit.Store.LockAndLoadAsync(instance.Id, null, T0, Ct))!.OpenTasks);
            Assert.False(unit.Ef.HasPending);
            loaded.CandidateGroups[1] = "stats"; // the array the store handed out, changed in place
            loaded.DueAt = null;
            loaded.FollowUpAt = T0.AddDays(1);
            Assert.True(unit.Ef.HasPending);
            await tx.CommitAsync(Ct);
            Assert.False(unit.Ef.HasPending);
        }

        await using var check = Unit();
        var saved = await check.Db.UserTasks.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(["conseiller", "stats"], saved.CandidateGroups);
        Assert.Null(saved.DueAt);
        Assert.Equal(T0.AddDays(1), saved.FollowUpAt);
    }

    [Fact]
    public async Task FindInstanceSubscriptions_matches_running_instances_by_message_and_business_key()
    {
        var definition = Definition("order", 1);
        var running1 = Instance(definition, InstanceState.Running);
        var running2 = Instance(definition, InstanceState.Running);
        var completed = Instance(definition, InstanceState.Completed);
        var s1 = Subscription("paid", running1.Id, "P-1");
        var s2 = Subscription("paid", running2.Id, "P-2");
        s2.CreatedAt = T0.AddSeconds(1);
        await SaveAsync(definition, running1, running2, completed, s1, s2,
            Subscription("paid", completed.Id, "P-1"),
            Subscription("shipped", running1.Id, "P-1"),
            StartSubscription("paid", definition.Id));

        await using var unit = Unit();
        Assert.Equal([s1.Id, s2.Id], (await unit.Store.FindInstanceSubscriptionsAsync("paid", null, Ct)).Select(s => s.Id));
        Assert.Equal([s2.Id], (await unit.Store.FindInstanceSubscriptionsAsync("paid", "P-2", Ct)).Select(s => s.Id));
        Assert.Empty(await unit.Store.FindInstanceSubscriptionsAsync("paid", "P-3", Ct));
        Assert.Empty(await unit.Store.FindInstanceSubscriptionsAsync("cancelled", null, Ct));
        Assert.Equal(0, unit.Ef.Tracked);
    }

    [Fact]
    public async Task Start_subscriptions_and_start_jobs_are_found_by_message_and_by_definition()
    {
        var v1 = Definition("order", 1);
        var v2 = Definition("order", 2);
        var startV2 = StartSubscription("new-order", v2.Id);
        var otherStart = StartSubscription("other", v1.Id);
        var timerStart = Job(null, T0);
        timerStart.Kind = JobKind.TimerStart;
        timerStart.DefinitionId = v2.Id;
        var instanceJob = Job(Guid.NewGuid(), T0);
        instanceJob.DefinitionId = v2.Id;
        await SaveAsync(v1, v2, startV2, otherStart, timerStart, instanceJob,
            Subscription("new-order", Guid.NewGuid(), null));

        await using (var unit = Unit())
        {
            Assert.Equal([startV2.Id], (await unit.Store.FindStartSubscriptionsAsync("new-order", Ct)).Select(s => s.Id));
            Assert.Empty(await unit.Store.FindStartSubscriptionsAsync("missing", Ct));
            Assert.Equal(0, unit.Ef.Tracked);
        }

        await using (var unit = Unit())
        {
            var jobs = await unit.Store.GetStartJobsAsync([v1.Id, v2.Id], Ct);
            Assert.Equal(timerStart.Id, Assert.Single(jobs).Id);
            Assert.Empty(await unit.Store.GetStartJobsAsync([v1.Id], Ct));
            var subscriptions = await unit.Store.GetStartSubscriptionsAsync([v1.Id, v2.Id], Ct);
            Assert.Equal(new[] { otherStart.Id, startV2.Id }.Order(), subscriptions.Select(s => s.Id).Order());
            Assert.Empty(await unit.Store.GetStartSubscriptionsAsync([], Ct));
            Assert.Equal(3, unit.Ef.Tracked); // 1 job + 2 subscriptions
        }
    }

    // ---------------------------------------------------------------- transactions and locks

    [Fact]
    public async Task BeginTransaction_joins_the_callers_transaction()
    {
        await using (var unit = Unit())
        {
            await using var outer = await unit.Db.Database.BeginTransactionAsync(Ct);
            await using (var joined = await unit.Store.BeginTransactionAsync(Ct))
            {
                unit.Store.Add(Definition("joined", 1));
                await unit.Store.SaveChangesAsync(Ct);
                await joined.CommitAsync(Ct);
            }
            // Neither the commit nor the dispose of the joined handle ended the caller's transaction.
            Assert.Same(outer, unit.Db.Database.CurrentTransaction);
            unit.Store.Add(Definition("joined", 2));
            await unit.Store.SaveChangesAsync(Ct);
            await outer.RollbackAsync(Ct);
        }

        await using var check = Unit();
        Assert.False(await check.Db.ProcessDefinitions.AnyAsync(Ct));
    }

    [Fact]
    public async Task Own_transaction_commits_or_rolls_back_on_dispose()
    {
        await using (var unit = Unit())
        {
            await using (var transaction = await unit.Store.BeginTransactionAsync(Ct))
            {
                Assert.NotNull(unit.Db.Database.CurrentTransaction);
                unit.Store.Add(Definition("committed", 1));
                await unit.Store.SaveChangesAsync(Ct);
                await transaction.CommitAsync(Ct);
            }
            Assert.Null(unit.Db.Database.CurrentTransaction);

            await using (var transaction = await unit.Store.BeginTransactionAsync(Ct))
            {
                unit.Store.Add(Definition("rolled-back", 1));
                await unit.Store.SaveChangesAsync(Ct);
            }
            Assert.Null(unit.Db.Database.CurrentTransaction);
        }

        await using var check = Unit();
        Assert.Equal(["committed"], await check.Db.ProcessDefinitions.Select(d => d.Key).ToListAsync(Ct));
    }

    [Fact]
    public async Task LockInstance_makes_a_second_locker_wait_until_the_first_commits()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        await SaveAsync(definition, instance);

        await using var first = Unit();
        await using var second = Unit();
        await using var firstTransaction = await first.Store.BeginTransactionAsync(Ct);
        var locked = await first.Store.LockInstanceAsync(instance.Id, Ct);
        Assert.NotNull(locked);
        Assert.Equal(1, first.Ef.Tracked);
        Assert.False(first.Ef.HasPending);
        Assert.Null(await first.Store.LockInstanceAsync(Guid.NewGuid(), Ct));

        await using var secondTransaction = await second.Store.BeginTransactionAsync(Ct);
        var secondPid = (await second.Db.Database.SqlQuery<int>($"SELECT pg_backend_pid() AS \"Value\"").ToListAsync(Ct))[0];
        var secondLock = second.Store.LockInstanceAsync(instance.Id, Ct);

        // Wait until the second backend is really waiting on the row lock (not merely slow to send its query).
        using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (!await IsWaitingForLockAsync(secondPid))
            {
                Assert.False(secondLock.IsCompleted, "The second lock was granted while the first transaction held it.");
                await Task.Delay(20, guard.Token);
            }
        }

        locked.Revision++;
        locked.LastActivityAt = T0.AddHours(1);
        await first.Store.SaveChangesAsync(Ct);
        Assert.False(secondLock.IsCompleted);
        await firstTransaction.CommitAsync(Ct);

        // Granted after the commit, the second locker reads the row as the first one left it.
        var seen = await secondLock;
        Assert.NotNull(seen);
        Assert.Equal(1, seen.Revision);
        Assert.Equal(T0.AddHours(1), seen.LastActivityAt);
        await secondTransaction.CommitAsync(Ct);
    }

    [Fact]
    public async Task LockInstance_refreshes_an_instance_the_store_already_tracks()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        await SaveAsync(definition, instance);

        await using var unit = Unit();
        var held = (await unit.Store.LockInstanceAsync(instance.Id, Ct))!; // no transaction: the lock ends with the read

        await using (var other = Unit())
        {
            var changed = (await other.Store.LockInstanceAsync(instance.Id, Ct))!;
            Assert.False(other.Ef.HasPending);
            changed.Revision++;
            changed.BusinessKey = "P-2";
            await other.Store.SaveChangesAsync(Ct);
        }

        await using var transaction = await unit.Store.BeginTransactionAsync(Ct);
        var locked = await unit.Store.LockInstanceAsync(instance.Id, Ct);
        Assert.Same(held, locked);
        Assert.Equal(1, held.Revision);
        Assert.Equal("P-2", held.BusinessKey);
        Assert.False(unit.Ef.HasPending); // refreshed: nothing to write

        held.Revision++;
        await unit.Store.SaveChangesAsync(Ct);
        await transaction.CommitAsync(Ct);

        await using var check = Unit();
        Assert.Equal(2, (await check.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct)).Revision);
    }

    [Fact]
    public async Task LockAndLoad_reads_the_instance_its_executions_variables_and_open_tasks_as_EF_does()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        instance.EndReason = "none yet";
        instance.ParentInstanceId = Guid.NewGuid();
        instance.ParentExecutionId = Guid.NewGuid();
        instance.Revision = 4;
        var other = Instance(definition, InstanceState.Running);
        var scope = Execution(instance.Id);
        scope.IsMultiInstanceRoot = true;
        var child = new ExecutionRecord
        {
            Id = Guid.NewGuid(), InstanceId = instance.Id, ParentId = scope.Id, ActivityId = "join",
            State = ExecutionState.Joining, LoopCounter = 2, ArrivedVia = "flow_2", EnteredAt = T0.AddSeconds(1),
        };
        var json = new VariableRecord
        {
            Id = Guid.NewGuid(), InstanceId = instance.Id, Name = "order", Type = "Json",
            Json = """{"lines":[{"sku":"A-1","qty":2}],"total":12.5,"note":"été"}""",
        };
        var local = new VariableRecord
        {
            Id = Guid.NewGuid(), InstanceId = instance.Id, ExecutionId = scope.Id, Name = "n", Type = "Null", Json = "null",
        };
        var open = UserTask(instance.Id, UserTaskState.Open);
        open.BusinessKey = "P-42";
        open.Assignee = "alice";
        open.CandidateGroups = ["managers", "hr"];
        open.CandidateUsers = ["bob"];
        open.DueAt = T0.AddDays(2);
        open.ClaimedAt = T0.AddMinutes(5);
        open.FormFieldsJson = """[{"id":"approved","type":"boolean","label":"Approuvé ?"}]""";
        open.Priority = 80;
        open.Revision = 2;
        var done = UserTask(instance.Id, UserTaskState.Completed);
        await SaveAsync(definition, instance, other, scope, child, Execution(other.Id), json, local,
            Variable(other.Id, "b"), open, done, UserTask(other.Id, UserTaskState.Open));

        await using var unit = Unit();
        await using var transaction = await unit.Store.BeginTransactionAsync(Ct);
        var touchedAt = T0.AddHours(3);
        var loaded = await unit.Store.LockAndLoadAsync(instance.Id, null, touchedAt, Ct);
        Assert.NotNull(loaded);
        // The lock is a touch, as every step makes: one revision more, active at the step's time.
        instance.Revision++;
        instance.LastActivityAt = touchedAt;
        AssertSameRecord(instance, loaded.Instance);
        Assert.Equal(TimeSpan.Zero, loaded.Instance.StartedAt.Offset);
        Assert.Equal(2, loaded.Executions.Count);
        AssertSameRecord(scope, loaded.Executions.Single(e => e.Id == scope.Id));
        AssertSameRecord(child, loaded.Executions.Single(e => e.Id == child.Id));
        Assert.Equal(2, loaded.Variables.Count);
        AssertSameRecord(json, loaded.Variables.Single(v => v.Id == json.Id));
        AssertSameRecord(local, loaded.Variables.Single(v => v.Id == local.Id));
        AssertSameRecord(open, Assert.Single(loaded.OpenTasks));

        // Tracked as loaded, so that changes are saved; the lock is held.
        Assert.Equal(1 + 2 + 2 + 1, unit.Ef.Tracked);
        Assert.False(unit.Ef.HasPending); // the touch is written by the load itself
        Assert.Equal(["RowExclusiveLock"], await QueryAsync<string>(
            "SELECT mode FROM pg_locks WHERE relation = 'wf.process_instances'::regclass AND granted"));
        loaded.OpenTasks[0].CandidateGroups = ["hr"];
        loaded.Variables.Single(v => v.Id == json.Id).Json = "[1]";
        await unit.Store.SaveChangesAsync(Ct);
        await transaction.CommitAsync(Ct);

        await using var check = Unit();
        Assert.Equal(["hr"], (await check.Db.UserTasks.AsNoTracking().SingleAsync(t => t.Id == open.Id, Ct)).CandidateGroups);
        Assert.Equal("[1]", (await check.Db.Variables.AsNoTracking().SingleAsync(v => v.Id == json.Id, Ct)).Json);
        Assert.Equal(5, (await check.Db.ProcessInstances.AsNoTracking().SingleAsync(i => i.Id == instance.Id, Ct)).Revision);
    }

    [Fact]
    public async Task LockAndLoad_by_task_finds_the_instance_of_an_open_or_closed_task()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        var open = UserTask(instance.Id, UserTaskState.Open);
        var done = UserTask(instance.Id, UserTaskState.Completed);
        await SaveAsync(definition, instance, Execution(instance.Id), open, done);

        await using var unit = Unit();
        await using var transaction = await unit.Store.BeginTransactionAsync(Ct);
        var byOpen = await unit.Store.LockAndLoadAsync(null, open.Id, T0, Ct);
        Assert.Equal(instance.Id, byOpen!.Instance.Id);
        Assert.Equal(open.Id, Assert.Single(byOpen.OpenTasks).Id);
        Assert.Single(byOpen.Executions);
        var byDone = await unit.Store.LockAndLoadAsync(null, done.Id, T0, Ct);
        Assert.Same(byOpen.Instance, byDone!.Instance);
        Assert.Same(byOpen.OpenTasks[0], Assert.Single(byDone.OpenTasks));
        Assert.Null(await unit.Store.LockAndLoadAsync(null, Guid.NewGuid(), T0, Ct));
        Assert.Null(await unit.Store.LockAndLoadAsync(Guid.NewGuid(), null, T0, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => unit.Store.LockAndLoadAsync(instance.Id, open.Id, T0, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => unit.Store.LockAndLoadAsync(null, null, T0, Ct));
        Assert.Equal(1 + 1 + 1, unit.Ef.Tracked);
    }

    [Fact]
    public async Task LockAndLoad_needs_a_transaction()
    {
        await using var unit = Unit();
        await Assert.ThrowsAsync<InvalidOperationException>(() => unit.Store.LockAndLoadAsync(Guid.NewGuid(), null, T0, Ct));
    }

    [Fact]
    public async Task LockAndLoad_makes_a_second_locker_wait_and_then_reads_what_the_first_committed()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        var execution = Execution(instance.Id);
        var task = UserTask(instance.Id, UserTaskState.Open);
        await SaveAsync(definition, instance, execution, task);

        await using var first = Unit();
        await using var second = Unit();
        await using var firstTransaction = await first.Store.BeginTransactionAsync(Ct);
        var held = (await first.Store.LockAndLoadAsync(instance.Id, null, T0, Ct))!;

        await using var secondTransaction = await second.Store.BeginTransactionAsync(Ct);
        var secondPid = (await second.Db.Database.SqlQuery<int>($"SELECT pg_backend_pid() AS \"Value\"").ToListAsync(Ct))[0];
        var secondLoad = second.Store.LockAndLoadAsync(null, task.Id, T0, Ct);
        using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (!await IsWaitingForLockAsync(secondPid))
            {
                Assert.False(secondLoad.IsCompleted, "The second lock was granted while the first transaction held it.");
                await Task.Delay(20, guard.Token);
            }
        }

        // The first step completes the task, moves the token on and opens a new task.
        held.OpenTasks[0].State = UserTaskState.Completed;
        held.Executions[0].ActivityId = "next";
        var next = UserTask(instance.Id, UserTaskState.Open);
        next.ExecutionId = execution.Id;
        first.Store.Add(next);
        first.Store.Add(Variable(instance.Id, "added"));
        await first.Store.SaveChangesAsync(Ct);
        Assert.False(secondLoad.IsCompleted);
        await firstTransaction.CommitAsync(Ct);

        var seen = (await secondLoad)!;
        Assert.Equal(2, seen.Instance.Revision); // touched by each lock holder in turn
        Assert.Equal("next", Assert.Single(seen.Executions).ActivityId);
        Assert.Equal("added", Assert.Single(seen.Variables).Name);
        Assert.Equal(next.Id, Assert.Single(seen.OpenTasks).Id);
        await secondTransaction.CommitAsync(Ct);
    }

    [Fact]
    public async Task LockAndLoad_runs_in_parallel_contexts()
    {
        var definition = Definition("order", 1);
        var records = new List<object> { definition };
        var instances = new List<(Guid Instance, Guid Task, string Variable)>();
        for (var i = 0; i < 4; i++)
        {
            var instance = Instance(definition, InstanceState.Running);
            var task = UserTask(instance.Id, UserTaskState.Open);
            task.CandidateGroups = Enumerable.Range(0, i).Select(n => $"group-{n}").ToArray();
            var variable = Variable(instance.Id, $"v{i}");
            variable.Json = $"\"{new string('x', i * 100)}\"";
            records.AddRange([instance, Execution(instance.Id), task, variable]);
            instances.Add((instance.Id, task.Id, variable.Json));
        }
        await SaveAsync([.. records]);

        await Task.WhenAll(instances.Select(expected => Task.Run(async () =>
        {
            for (var round = 0; round < 25; round++)
            {
                await using var unit = Unit();
                await using var transaction = await unit.Store.BeginTransactionAsync(Ct);
                var loaded = (await unit.Store.LockAndLoadAsync(null, expected.Task, T0, Ct))!;
                Assert.Equal(expected.Instance, loaded.Instance.Id);
                Assert.Equal(expected.Task, Assert.Single(loaded.OpenTasks).Id);
                Assert.Equal(expected.Variable, Assert.Single(loaded.Variables).Json);
                await transaction.CommitAsync(Ct);
            }
        })));
    }

    [Fact]
    public async Task LockAndLoad_refreshes_records_the_store_already_tracks()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        var execution = Execution(instance.Id);
        var variable = Variable(instance.Id, "a");
        var task = UserTask(instance.Id, UserTaskState.Open);
        await SaveAsync(definition, instance, execution, variable, task);

        // A unit of work that ran a step on the instance, and keeps its records.
        await using var unit = Unit();
        InstanceSnapshot held;
        await using (var firstStep = await unit.Store.BeginTransactionAsync(Ct))
        {
            held = (await unit.Store.LockAndLoadAsync(instance.Id, null, T0, Ct))!;
            await firstStep.CommitAsync(Ct);
        }
        var heldInstance = held.Instance;
        var heldExecution = Assert.Single(held.Executions);
        var heldVariable = Assert.Single(held.Variables);
        var heldTask = Assert.Single(held.OpenTasks);

        await using (var other = Unit())
        {
            await using var otherTransaction = await other.Store.BeginTransactionAsync(Ct);
            var changed = (await other.Store.LockAndLoadAsync(instance.Id, null, T0, Ct))!;
            changed.Executions[0].ActivityId = "moved";
            changed.Variables[0].Json = "43";
            changed.OpenTasks[0].Assignee = "bob";
            await other.Store.SaveChangesAsync(Ct);
            await otherTransaction.CommitAsync(Ct);
        }

        await using var transaction = await unit.Store.BeginTransactionAsync(Ct);
        var loaded = (await unit.Store.LockAndLoadAsync(instance.Id, null, T0, Ct))!;
        Assert.Same(heldInstance, loaded.Instance);
        Assert.Same(heldExecution, Assert.Single(loaded.Executions));
        Assert.Same(heldVariable, Assert.Single(loaded.Variables));
        Assert.Same(heldTask, Assert.Single(loaded.OpenTasks));
        Assert.Equal(3, heldInstance.Revision); // this unit's first touch, the other unit's, then this one's
        Assert.Equal("moved", heldExecution.ActivityId);
        Assert.Equal("43", heldVariable.Json);
        Assert.Equal("bob", heldTask.Assignee);
        Assert.Equal(4, unit.Ef.Tracked);
        Assert.False(unit.Ef.HasPending);
    }

    [Fact]
    public async Task Loading_again_in_the_same_step_keeps_the_instance_s_pending_changes_saveable()
    {
        // A step that loads an instance, changes it, then loads it again by one of its tasks (its own touch twice).
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        var task = UserTask(instance.Id, UserTaskState.Open);
        await SaveAsync(definition, instance, task);

        await using (var unit = Unit())
        {
            await using var tx = await unit.Store.BeginTransactionAsync(Ct);
            var first = (await unit.Store.LockAndLoadAsync(instance.Id, null, T0.AddMinutes(1), Ct))!;
            first.Instance.BusinessKey = "P-7";
            var again = (await unit.Store.LockAndLoadAsync(null, task.Id, T0.AddMinutes(2), Ct))!;
            Assert.Same(first.Instance, again.Instance);
            Assert.Equal("P-7", again.Instance.BusinessKey); // pending change kept
            await tx.CommitAsync(Ct);
        }

        await using var check = Unit();
        var saved = await check.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct);
        Assert.Equal("P-7", saved.BusinessKey);
        Assert.Equal(2, saved.Revision);
        Assert.Equal(T0.AddMinutes(2), saved.LastActivityAt);
    }

    [Fact]
    public async Task A_copy_changed_before_someone_else_touched_the_instance_still_fails_its_save()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        await SaveAsync(definition, instance);

        await using var unit = Unit();
        var copy = (await unit.Store.LockInstanceAsync(instance.Id, Ct))!; // no transaction: the lock ends with the read
        copy.BusinessKey = "P-stale";
        await using (var other = Unit())
        {
            await using var otherTx = await other.Store.BeginTransactionAsync(Ct);
            await other.Store.LockAndLoadAsync(instance.Id, null, T0.AddMinutes(1), Ct);
            await otherTx.CommitAsync(Ct);
        }

        await using var tx = await unit.Store.BeginTransactionAsync(Ct);
        var loaded = (await unit.Store.LockAndLoadAsync(instance.Id, null, T0.AddMinutes(2), Ct))!;
        Assert.Same(copy, loaded.Instance);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => tx.CommitAsync(Ct));
        await using var check = Unit();
        Assert.Equal(instance.BusinessKey, (await check.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct)).BusinessKey);
    }

    [Fact]
    public async Task A_stale_instance_revision_fails_the_save()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        await SaveAsync(definition, instance);

        // Read through the store (its own tracking)…
        await using var first = Unit();
        await using var second = Unit();
        var a = (await first.Store.LockInstanceAsync(instance.Id, Ct))!;
        var b = (await second.Store.LockInstanceAsync(instance.Id, Ct))!;

        a.Revision++;
        a.LastActivityAt = T0.AddMinutes(1);
        await first.Store.SaveChangesAsync(Ct);

        b.Revision++;
        b.State = InstanceState.Cancelled;
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.Store.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task A_stale_task_revision_fails_the_save()
    {
        var task = UserTask(Guid.NewGuid(), UserTaskState.Open);
        await SaveAsync(task);

        // …or through the context (EF's tracking, saved by the store's save all the same).
        await using var first = Unit();
        await using var second = Unit();
        var a = await first.Db.UserTasks.SingleAsync(t => t.Id == task.Id, Ct);
        var b = await second.Db.UserTasks.SingleAsync(t => t.Id == task.Id, Ct);

        a.Revision++;
        a.Assignee = "alice";
        await first.Store.SaveChangesAsync(Ct);

        b.Revision++;
        b.Assignee = "bob";
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.Store.SaveChangesAsync(Ct));

        await using var check = Unit();
        Assert.Equal("alice", (await check.Db.UserTasks.AsNoTracking().SingleAsync(Ct)).Assignee);
    }

    // ---------------------------------------------------------------- optimistic steps

    [Fact]
    public async Task An_optimistic_step_touches_the_instance_at_its_commit_and_writes_everything_in_one_go()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        var execution = Execution(instance.Id);
        var task = UserTask(instance.Id, UserTaskState.Open);
        task.ExecutionId = execution.Id;
        await SaveAsync(definition, instance, execution, task);
        var touchedAt = T0.AddMinutes(5).AddTicks(7); // below the microsecond: the database does not keep it

        await using var unit = Unit();
        await using (var step = await unit.Store.BeginStepAsync(Ct))
        {
            var loaded = (await unit.Store.LockAndLoadAsync(null, task.Id, touchedAt, Ct))!;
            Assert.Null(unit.Db.Database.CurrentTransaction);
            Assert.Equal((1, Truncate(touchedAt)), (loaded.Instance.Revision, loaded.Instance.LastActivityAt));
            loaded.OpenTasks[0].State = UserTaskState.Completed;
            loaded.OpenTasks[0].Revision++;
            unit.Store.Add(new HistoryEventRecord { InstanceId = instance.Id, At = touchedAt, Type = HistoryTypes.TaskCompleted, ElementId = "a" });

            // Nothing is written before the commit.
            Assert.Equal([0], await QueryAsync<int>($"SELECT revision FROM wf.process_instances WHERE id = '{instance.Id}'"));
            await step.CommitAsync(Ct);
        }

        await using var check = Unit();
        var stored = await check.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct);
        Assert.Equal((1, Truncate(touchedAt)), (stored.Revision, stored.LastActivityAt));
        Assert.Equal(UserTaskState.Completed, (await check.Db.UserTasks.AsNoTracking().SingleAsync(Ct)).State);
        Assert.Single(await check.Db.HistoryEvents.AsNoTracking().Where(e => e.InstanceId == instance.Id).ToListAsync(Ct));
    }

    [Fact]
    public async Task An_optimistic_step_holds_no_lock_and_loses_to_a_step_that_committed_first_keeping_nothing()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        var task = UserTask(instance.Id, UserTaskState.Open);
        await SaveAsync(definition, instance, task);

        await using var slow = Unit();
        await using var step = await slow.Store.BeginStepAsync(Ct);
        var read = (await slow.Store.LockAndLoadAsync(instance.Id, null, T0.AddMinutes(1), Ct))!;
        read.OpenTasks[0].Assignee = "slow";
        slow.Store.Add(Variable(instance.Id, "from-slow"));
        slow.Store.Add(new HistoryEventRecord { InstanceId = instance.Id, At = T0, Type = HistoryTypes.TaskClaimed, ElementId = "a" });

        // Another step loads and commits the same instance meanwhile: no lock stops it.
        await using (var fast = Unit())
        {
            await fast.Db.Database.ExecuteSqlRawAsync("SET lock_timeout = '2s'", Ct);
            await using var other = await fast.Store.BeginStepAsync(Ct);
            var mine = (await fast.Store.LockAndLoadAsync(instance.Id, null, T0.AddMinutes(2), Ct))!;
            mine.OpenTasks[0].Assignee = "fast";
            await other.CommitAsync(Ct);
        }

        var refused = await Assert.ThrowsAsync<WorkflowStaleStateException>(() => step.CommitAsync(Ct));
        Assert.IsType<DbUpdateConcurrencyException>(refused.InnerException);

        await using var check = Unit();
        var stored = await check.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct);
        Assert.Equal((1, T0.AddMinutes(2)), (stored.Revision, stored.LastActivityAt));
        Assert.Equal("fast", (await check.Db.UserTasks.AsNoTracking().SingleAsync(Ct)).Assignee);
        Assert.False(await check.Db.Variables.AnyAsync(Ct));
        Assert.False(await check.Db.HistoryEvents.AnyAsync(e => e.InstanceId == instance.Id, Ct));
    }

    [Fact]
    public async Task A_save_within_an_optimistic_step_opens_its_transaction_and_locks_the_instance_from_then_on()
    {
        // What a service task's handler needs: the step's writes so far, in a transaction it can join.
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        await SaveAsync(definition, instance);

        await using var unit = Unit();
        await using (var step = await unit.Store.BeginStepAsync(Ct))
        {
            await unit.Store.LockAndLoadAsync(instance.Id, null, T0.AddMinutes(1), Ct);
            unit.Store.Add(Variable(instance.Id, "before-the-handler"));
            await unit.Store.SaveChangesAsync(Ct);
            Assert.NotNull(unit.Db.Database.CurrentTransaction);
            await AssertLockedAsync(instance.Id);
            unit.Store.Add(Variable(instance.Id, "after-the-handler"));
            await step.CommitAsync(Ct);
        }

        await using var check = Unit();
        Assert.Equal(1, (await check.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct)).Revision);
        Assert.Equal(["after-the-handler", "before-the-handler"],
            await check.Db.Variables.AsNoTracking().Select(v => v.Name).OrderBy(n => n).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_step_begun_with_changes_pending_or_inside_a_callers_transaction_locks_as_before()
    {
        var definition = Definition("order", 1);
        var instance = Instance(definition, InstanceState.Running);
        await SaveAsync(definition, instance);

        // Changes made before the step could not be made again if it had to run again: it locks the case it reads
        // instead, and another writer waits for it.
        await using (var unit = Unit())
        {
            unit.Store.Add(Variable(instance.Id, "pending"));
            await using var step = await unit.Store.BeginStepAsync(Ct);
            Assert.Equal(1, (await unit.Store.LockAndLoadAsync(instance.Id, null, T0.AddMinutes(1), Ct))!.Instance.Revision);
            await AssertLockedAsync(instance.Id);
            await step.CommitAsync(Ct);
        }

        await using (var unit = Unit())
        {
            await using var outer = await unit.Db.Database.BeginTransactionAsync(Ct);
            await using (var step = await unit.Store.BeginStepAsync(Ct))
            {
                Assert.Equal(2, (await unit.Store.LockAndLoadAsync(instance.Id, null, T0.AddMinutes(2), Ct))!.Instance.Revision);
                await AssertLockedAsync(instance.Id);
                await step.CommitAsync(Ct); // saves; committing is the caller's
            }
            Assert.Same(outer, unit.Db.Database.CurrentTransaction);
            await outer.RollbackAsync(Ct);
        }

        await using var check = Unit();
        Assert.Equal(1, (await check.Db.ProcessInstances.AsNoTracking().SingleAsync(Ct)).Revision);
        Assert.Equal("pending", (await check.Db.Variables.AsNoTracking().SingleAsync(Ct)).Name);
    }

    // ---------------------------------------------------------------- jobs

    [Fact]
    public async Task Concurrent_acquirers_never_get_the_same_job()
    {
        const int jobCount = 120;
        await SaveAsync([.. Enumerable.Range(0, jobCount).Select(i => (object)Job(Guid.NewGuid(), T0.AddSeconds(-i)))]);

        var acquiredBy = new ConcurrentDictionary<Guid, ConcurrentBag<string>>();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var owner = $"worker-{w}";
            while (true)
            {
                await using var unit = Unit();
                var ids = await unit.Store.AcquireJobsAsync(owner, 7, T0, TimeSpan.FromMinutes(5), Ct);
                if (ids.Count == 0)
                    return;
                foreach (var id in ids)
                    acquiredBy.GetOrAdd(id, _ => []).Add(owner);
            }
        })).ToArray();
        await Task.WhenAll(workers);

        Assert.Equal(jobCount, acquiredBy.Count);
        Assert.All(acquiredBy.Values, owners => Assert.Single(owners));

        await using var check = Unit();
        var jobs = await check.Db.Jobs.AsNoTracking().ToListAsync(Ct);
        Assert.All(jobs, j =>
        {
            Assert.Equal(acquiredBy[j.Id].Single(), j.LockOwner);
            Assert.Equal(T0.AddMinutes(5), j.LockExpiresAt);
        });
    }

    [Fact]
    public async Task Acquisition_takes_due_jobs_earliest_first_up_to_max()
    {
        var late = Job(Guid.NewGuid(), T0.AddMinutes(-1));
        var early = Job(Guid.NewGuid(), T0.AddMinutes(-10));
        var middle = Job(Guid.NewGuid(), T0.AddMinutes(-5));
        var notDue = Job(Guid.NewGuid(), T0.AddMinutes(1));
        await SaveAsync(late, early, middle, notDue);

        await using var unit = Unit();
        Assert.Equal([early.Id, middle.Id], await unit.Store.AcquireJobsAsync("w", 2, T0, TimeSpan.FromMinutes(5), Ct));
        Assert.Equal([late.Id], await unit.Store.AcquireJobsAsync("w", 10, T0, TimeSpan.FromMinutes(5), Ct));
        Assert.Empty(await unit.Store.AcquireJobsAsync("w", 10, T0, TimeSpan.FromMinutes(5), Ct));
        Assert.Empty(await unit.Store.AcquireJobsAsync("w", 0, T0, TimeSpan.FromMinutes(5), Ct));
        Assert.Equal([notDue.Id], await unit.Store.AcquireJobsAsync("w", 10, T0.AddMinutes(1), TimeSpan.FromMinutes(5), Ct));
    }

    [Fact]
    public async Task A_job_whose_lock_expired_is_acquired_again()
    {
        var job = Job(Guid.NewGuid(), T0.AddMinutes(-1));
        await SaveAsync(job);

        await using var unit = Unit();
        Assert.Equal([job.Id], await unit.Store.AcquireJobsAsync("dead-worker", 10, T0, TimeSpan.FromMinutes(5), Ct));
        Assert.Empty(await unit.Store.AcquireJobsAsync("other", 10, T0.AddMinutes(4), TimeSpan.FromMinutes(5), Ct));
        Assert.Equal([job.Id], await unit.Store.AcquireJobsAsync("other", 10, T0.AddMinutes(6), TimeSpan.FromMinutes(5), Ct));

        var saved = await unit.Db.Jobs.AsNoTracking().SingleAsync(Ct);
        Assert.Equal("other", saved.LockOwner);
        Assert.Equal(T0.AddMinutes(11), saved.LockExpiresAt);
    }

    [Fact]
    public async Task A_job_without_retries_is_never_acquired()
    {
        var exhausted = Job(Guid.NewGuid(), T0.AddMinutes(-1));
        exhausted.Retries = 0;
        await SaveAsync(exhausted);

        await using var unit = Unit();
        Assert.Empty(await unit.Store.AcquireJobsAsync("w", 10, T0, TimeSpan.FromMinutes(5), Ct));
        Assert.Empty(await unit.Store.AcquireJobsAsync("w", 10, T0.AddYears(1), TimeSpan.FromMinutes(5), Ct));
    }

    [Fact]
    public async Task Acquisition_leaves_the_context_usable_whether_or_not_its_connection_was_open()
    {
        await SaveAsync(Job(Guid.NewGuid(), T0), Job(Guid.NewGuid(), T0));

        await using (var unit = Unit())
        {
            var tracked = await unit.Db.Jobs.FirstAsync(Ct);
            Assert.Equal(ConnectionState.Closed, unit.Db.Database.GetDbConnection().State);
            Assert.Single(await unit.Store.AcquireJobsAsync("w", 1, T0, TimeSpan.FromMinutes(5), Ct));
            Assert.Equal(ConnectionState.Closed, unit.Db.Database.GetDbConnection().State);
            Assert.Null(unit.Db.Database.CurrentTransaction);
            tracked.LastError = "still tracked";
            unit.Store.Add(Execution(Guid.NewGuid()));
            await unit.Store.SaveChangesAsync(Ct);
        }

        await using (var unit = Unit())
        {
            await unit.Db.Database.OpenConnectionAsync(Ct);
            Assert.Single(await unit.Store.AcquireJobsAsync("w", 1, T0, TimeSpan.FromMinutes(5), Ct));
            Assert.Equal(ConnectionState.Open, unit.Db.Database.GetDbConnection().State);
            Assert.Null(unit.Db.Database.CurrentTransaction);
            Assert.Equal(2, await unit.Db.Jobs.CountAsync(j => j.LockOwner == "w", Ct));

            // It commits on its own, so it refuses to run inside the caller's transaction.
            await using var transaction = await unit.Store.BeginTransactionAsync(Ct);
            await Assert.ThrowsAsync<InvalidOperationException>(
                () => unit.Store.AcquireJobsAsync("w", 1, T0, TimeSpan.FromMinutes(5), Ct));
        }

        await using var check = Unit();
        Assert.Equal(1, await check.Db.Executions.CountAsync(Ct));
        Assert.Equal(1, await check.Db.Jobs.CountAsync(j => j.LastError == "still tracked", Ct));
    }

    // ---------------------------------------------------------------- helpers

    private sealed class UnitOfWork(AsyncServiceScope scope) : IAsyncDisposable
    {
        public PlieDbContext Db { get; } = scope.ServiceProvider.GetRequiredService<PlieDbContext>();
        public IWorkflowStore Store { get; } = scope.ServiceProvider.GetRequiredService<IWorkflowStore>();
        public EfWorkflowStore Ef => (EfWorkflowStore)Store;

        public ValueTask DisposeAsync() => scope.DisposeAsync();
    }

    private UnitOfWork Unit() => new(_services.CreateAsyncScope());

    private async Task SaveAsync(params object[] records)
    {
        await using var unit = Unit();
        foreach (var record in records)
            unit.Store.Add(record);
        await unit.Store.SaveChangesAsync(Ct);
    }

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var command = _services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(Ct))
            rows.Add(reader.GetFieldValue<T>(0));
        return rows;
    }

    private async Task<string> ColumnTypeAsync(string table, string column) =>
        (await QueryAsync<string>("SELECT udt_name::text FROM information_schema.columns "
            + $"WHERE table_schema = 'wf' AND table_name = '{table}' AND column_name = '{column}'")).Single();

    /// <summary>Another writer of the instance's row gives up after 200 ms: someone holds its row lock.</summary>
    private async Task AssertLockedAsync(Guid instanceId)
    {
        await using var other = Unit();
        await other.Db.Database.ExecuteSqlRawAsync("SET lock_timeout = '200ms'", Ct);
        var blocked = await Assert.ThrowsAsync<PostgresException>(() => other.Db.Database.ExecuteSqlAsync(
            $"UPDATE wf.process_instances SET revision = revision + 1 WHERE id = {instanceId}", Ct));
        Assert.Equal(PostgresErrorCodes.LockNotAvailable, blocked.SqlState);
    }

    private async Task<bool> IsWaitingForLockAsync(int pid) =>
        (await QueryAsync<bool>($"SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = {pid} AND NOT granted)"))[0];

    private static DateTimeOffset Truncate(DateTimeOffset value) =>
        value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMicrosecond));

    /// <summary>Every public property equal; JSON compared as values (jsonb rewrites the text).</summary>
    private static void AssertSameRecord<T>(T expected, T actual)
    {
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var e = property.GetValue(expected);
            var a = property.GetValue(actual);
            var name = $"{typeof(T).Name}.{property.Name}";
            switch (e)
            {
                case string[] expectedArray:
                    Assert.True(expectedArray.SequenceEqual((string[])a!), name);
                    break;
                case string expectedJson when property.Name is "Json" or "Data" or "FormFieldsJson":
                    Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), JsonNode.Parse((string)a!)),
                        $"{name}: {expectedJson} <> {a}");
                    break;
                default:
                    Assert.True(Equals(e, a), $"{name}: {e} <> {a}");
                    break;
            }
        }
    }

    private static ProcessDefinitionRecord Definition(string key, int version) => new()
    {
        Id = Guid.NewGuid(), Key = key, Version = version, Name = $"Process {key}",
        Xml = $"<definitions id=\"{key}\"><process id=\"{key}\"/></definitions>", Hash = $"hash-{key}-{version}",
        DeployedAt = T0, DeployedBy = "admin",
    };

    private static ProcessInstanceRecord Instance(ProcessDefinitionRecord definition, InstanceState state) => new()
    {
        Id = Guid.NewGuid(), DefinitionId = definition.Id, DefinitionKey = definition.Key,
        DefinitionVersion = definition.Version, BusinessKey = "P-1", State = state, StartedAt = T0, StartedBy = "alice",
        LastActivityAt = T0,
    };

    private static ExecutionRecord Execution(Guid instanceId) => new()
    {
        Id = Guid.NewGuid(), InstanceId = instanceId, ActivityId = "task", State = ExecutionState.Waiting, EnteredAt = T0,
    };

    private static VariableRecord Variable(Guid instanceId, string name) => new()
    {
        Id = Guid.NewGuid(), InstanceId = instanceId, Name = name, Type = "Integer", Json = "42",
    };

    private static UserTaskRecord UserTask(Guid instanceId, UserTaskState state) => new()
    {
        Id = Guid.NewGuid(), InstanceId = instanceId, ExecutionId = Guid.NewGuid(), ProcessKey = "order",
        ElementId = "approve", State = state, CreatedAt = T0,
    };

    private static JobRecord Job(Guid? instanceId, DateTimeOffset dueAt) => new()
    {
        Id = Guid.NewGuid(), Kind = JobKind.AsyncContinuation, InstanceId = instanceId,
        ExecutionId = instanceId is null ? null : Guid.NewGuid(), ElementId = "async", DueAt = dueAt, Retries = 3,
        CreatedAt = T0,
    };

    private static MessageSubscriptionRecord Subscription(string message, Guid instanceId, string? businessKey) => new()
    {
        Id = Guid.NewGuid(), MessageName = message, InstanceId = instanceId, ExecutionId = Guid.NewGuid(),
        BusinessKey = businessKey, ElementId = "catch", CreatedAt = T0,
    };

    private static MessageSubscriptionRecord StartSubscription(string message, Guid definitionId) => new()
    {
        Id = Guid.NewGuid(), MessageName = message, DefinitionId = definitionId, ElementId = "start", CreatedAt = T0,
    };

    private static IncidentRecord Incident(Guid instanceId, bool resolved) => new()
    {
        Id = Guid.NewGuid(), InstanceId = instanceId, ElementId = "call", Message = "failed", CreatedAt = T0,
        ResolvedAt = resolved ? T0.AddHours(1) : null,
    };
}
