using Npgsql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Plie.Testing;
using Plie.Workflow;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Engine;

public sealed class ReliabilityTests : EngineTestBase
{
    [Fact]
    public async Task Many_parallel_completions_of_the_same_task_advance_the_case_exactly_once()
    {
        var id = await StartFixtureAsync("user-task", new { owner = "u1" });
        var task = await Host.SingleTaskAsync(id, "review");

        var attempts = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await Host.CompleteAsync(task.Id, new { comment = $"clic {i}" }, user: $"user{i}");
                return "ok";
            }
            catch (WorkflowConflictException)
            {
                return "conflict";
            }
        })).ToList();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.Equal(15, outcomes.Count(o => o == "conflict"));
        Assert.Equal(["second"], await OpenTaskIdsAsync(id));
        var history = await Host.HistoryAsync(id);
        Assert.Single(history, h => h.Type == HistoryTypes.TaskCompleted);
        Assert.Single(history, h => h.Type == HistoryTypes.ElementEntered && h.ElementId == "second");
        Assert.Equal(1, await Host.Db(db => db.Executions.CountAsync(e => e.InstanceId == id)));
    }

    [Fact]
    public async Task Parallel_branches_completed_at_the_same_moment_by_different_people_all_advance()
    {
        // Each step reads its case without a lock and is refused at its commit if another step changed the case first:
        // the engine then runs it again on the new state, so that nobody is told « conflict » for a task nobody else did.
        await DeployFixtureAsync("parallel");
        for (var round = 0; round < 6; round++)
        {
            var id = (await Host.StartAsync("parallel")).Id;
            var tasks = await Host.OpenTasksAsync(id);
            Assert.Equal(3, tasks.Count);
            using var go = new Barrier(tasks.Count);
            await Task.WhenAll(tasks.Select((task, i) => Task.Run(async () =>
            {
                go.SignalAndWait();
                await Host.CompleteAsync(task.Id, new { by = $"user{i}" }, user: $"user{i}");
            })));

            Assert.Equal(["after"], await OpenTaskIdsAsync(id));
            var history = await Host.HistoryAsync(id);
            Assert.Equal(3, history.Count(h => h.Type == HistoryTypes.TaskCompleted));
            Assert.Single(history, h => h.Type == HistoryTypes.ElementEntered && h.ElementId == "after");
            Assert.Equal(1, await Host.Db(db => db.Executions.CountAsync(e => e.InstanceId == id)));
        }
    }

    [Fact]
    public async Task An_incident_retried_while_someone_else_changes_the_case_is_resolved_all_the_same()
    {
        var (id, incident) = await StartFailingCaseAsync();

        // Someone else holds the case's row: the retry reads the case without waiting, then its commit waits for the
        // row. The other one changes the case and commits, so the retry's commit is refused and the step is run again.
        await using var other = new NpgsqlConnection(Host.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"SELECT 1 FROM wf.process_instances WHERE id = '{id}' FOR UPDATE", other, transaction))
            await hold.ExecuteNonQueryAsync();
        var retry = Host.Do(e => e.RetryIncidentAsync(incident.Id, "superviseur"));
        await using (var watch = new NpgsqlConnection(Host.ConnectionString))
        {
            await watch.OpenAsync();
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", watch);
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while ((long)(await waiting.ExecuteScalarAsync())! == 0)
            {
                Assert.False(retry.IsCompleted, "The retry committed while someone else held the case's row.");
                await Task.Delay(20, guard.Token);
            }
        }
        await using (var change = new NpgsqlCommand($"UPDATE wf.process_instances SET revision = revision + 1 WHERE id = '{id}'", other, transaction))
            await change.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        await retry;

        var resolved = Assert.Single(await Host.IncidentsAsync(id));
        Assert.Equal("superviseur", resolved.ResolvedBy);
        Assert.NotNull(resolved.ResolvedAt);
        Assert.Equal(1, Assert.Single(await Host.JobsAsync()).Retries);
        Assert.Single(await Host.HistoryAsync(id), h => h.Type == HistoryTypes.IncidentResolved);
    }

    [Fact]
    public async Task A_job_locked_by_a_worker_that_died_is_run_again_after_its_lock_expires_and_only_once()
    {
        Fakes.On("test.flaky", _ => null);
        var id = await StartFixtureAsync("async-retry");
        var job = Assert.Single(await Host.JobsAsync());

        // A worker acquires the job, then dies without running it.
        var acquired = await Host.With(async _ =>
        {
            await using var scope = Host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IWorkflowStore>()
                .AcquireJobsAsync("worker-that-died", 10, Host.Clock.GetUtcNow(), TimeSpan.FromMinutes(5), CancellationToken.None);
        });
        Assert.Equal([job.Id], acquired);

        Assert.Equal(0, await Host.RunDueJobsAsync()); // still locked
        Host.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await Host.RunDueJobsAsync());
        Assert.Equal(["task"], await OpenTaskIdsAsync(id));

        // The dead worker comes back to life and tries to run its job: it is gone, nothing happens twice.
        Assert.Equal(JobOutcome.NotFound, await Host.With(e => e.ExecuteJobAsync(job.Id, "worker-that-died")));
        Assert.Equal(1, Fakes.Calls("test.flaky"));
        Assert.Single(await Host.OpenTasksAsync(id));
        Assert.Single(await Host.HistoryAsync(id), h => h.Type == HistoryTypes.ElementLeft && h.ElementId == "flaky");
    }

    [Fact]
    public async Task A_job_is_never_run_by_a_worker_that_does_not_hold_its_lock()
    {
        Fakes.On("test.flaky", _ => null);
        var id = await StartFixtureAsync("async-retry");
        var job = Assert.Single(await Host.JobsAsync());

        Assert.Equal(JobOutcome.NotFound, await Host.With(e => e.ExecuteJobAsync(job.Id, "nobody")));
        Assert.Equal(0, Fakes.Calls("test.flaky"));
        Assert.Empty(await Host.OpenTasksAsync(id));
    }

    [Fact]
    public async Task Deploying_a_changed_model_creates_a_new_version_and_running_cases_keep_theirs()
    {
        var v1 = await Host.DeployAsync(Fixture("subprocess"));
        var unchanged = await Host.DeployAsync(Fixture("subprocess"));
        var early = (await Host.StartAsync("subprocess")).Id;
        var v2 = await Host.DeployAsync(Fixture("subprocess").Replace("<bpmn:userTask id=\"after\" />", "<bpmn:userTask id=\"after\" name=\"Après\" />"));
        var late = (await Host.StartAsync("subprocess")).Id;

        Assert.True(v1.Created);
        Assert.False(unchanged.Created);
        Assert.Equal(v1.Definition.Id, unchanged.Definition.Id);
        Assert.Equal(2, v2.Definition.Version);
        Assert.Equal(1, (await Host.InstanceAsync(early)).DefinitionVersion);
        Assert.Equal(2, (await Host.InstanceAsync(late)).DefinitionVersion);

        await Host.CompleteAsync((await Host.SingleTaskAsync(early, "first")).Id);
        await Host.CompleteAsync((await Host.SingleTaskAsync(early, "second")).Id);
        Assert.Null((await Host.SingleTaskAsync(early, "after")).Name); // still version 1's "after"
    }

    [Fact]
    public async Task Deploying_an_invalid_model_is_refused_with_the_errors_and_deploys_nothing()
    {
        var xml = Fixture("exclusive").Replace("<bpmn:sequenceFlow id=\"toOther\" sourceRef=\"gw\" targetRef=\"other\" />", "")
            .Replace("default=\"toOther\"", "").Replace("age &lt; 26", "age &lt; &lt; 26");

        var error = await Assert.ThrowsAsync<WorkflowValidationException>(() => Host.DeployAsync(xml));

        Assert.Contains(error.Errors, e => e.ElementId == "toYoung" && e.Message.Contains("condition"));
        Assert.Contains(error.Errors, e => e.ElementId == "other" && e.Message.Contains("inatteignable"));
        Assert.Equal(0, await Host.Db(db => db.ProcessDefinitions.CountAsync()));
    }
}

/// <summary>The background job runner, on the real clock.</summary>
public sealed class JobRunnerTests : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync() => _host = await EngineHost.StartAsync(realClock: true, options: o =>
    {
        o.RunJobs = true;
        o.PollInterval = TimeSpan.FromMilliseconds(250);
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_timer_fires_within_one_polling_interval_of_its_due_time()
    {
        await _host.Jobs.StartAsync(CancellationToken.None);
        try
        {
            var xml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Engine", "Fixtures", "timer-catch.bpmn"));
            await _host.DeployAsync(xml);
            var id = (await _host.StartAsync("timer-catch", new { delay = "PT1S" })).Id;
            var due = Assert.Single(await _host.JobsAsync()).DueAt;

            HistoryEventRecord? fired = null;
            for (var i = 0; i < 100 && fired is null; i++)
            {
                await Task.Delay(100);
                fired = (await _host.HistoryAsync(id)).FirstOrDefault(h => h.Type == HistoryTypes.ElementLeft && h.ElementId == "wait");
            }

            Assert.NotNull(fired);
            Assert.True(fired.At >= due, "fired before its due time");
            // one polling interval, plus a margin for a loaded machine
            Assert.True(fired.At - due <= TimeSpan.FromMilliseconds(250) + TimeSpan.FromSeconds(1), $"fired {(fired.At - due).TotalMilliseconds} ms late");
        }
        finally
        {
            await _host.Jobs.StopAsync(CancellationToken.None);
        }
    }
}
