using Microsoft.EntityFrameworkCore;
using Plie.Workflow;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Engine;

public sealed class EventTests : EngineTestBase
{
    [Fact]
    public async Task A_timer_start_event_starts_a_case_at_each_occurrence_of_its_cycle()
    {
        await DeployFixtureAsync("timer-start");
        Assert.Equal(0, await Host.RunDueJobsAsync());

        Host.Clock.Advance(TimeSpan.FromHours(1));
        await Host.RunDueJobsAsync();
        Assert.Equal(1, await CountInstancesAsync("timer-start"));

        Host.Clock.Advance(TimeSpan.FromHours(1));
        await Host.RunDueJobsAsync();
        Host.Clock.Advance(TimeSpan.FromHours(5));
        await Host.RunDueJobsAsync();
        Assert.Equal(2, await CountInstancesAsync("timer-start")); // R2: twice, then never again
        Assert.Empty(await Host.JobsAsync());
    }

    [Fact]
    public async Task A_new_version_replaces_the_timer_start_of_the_old_one()
    {
        await DeployFixtureAsync("timer-start");
        await Host.DeployAsync(Fixture("timer-start").Replace("R2/PT1H", "R1/PT3H"));

        var job = Assert.Single(await Host.JobsAsync());
        Assert.Equal(Host.Clock.GetUtcNow().AddHours(3), job.DueAt);
    }

    [Fact]
    public async Task A_message_start_event_starts_a_case_with_the_business_key_and_variables()
    {
        await DeployFixtureAsync("message-start");

        var result = await Host.With(e => e.CorrelateMessageAsync("prescription-recue", "P-7",
            new Dictionary<string, object?> { ["prescripteur"] = "France Travail" }, "partenaire"));

        Assert.True(result.StartedNewInstance);
        var instance = await Host.InstanceAsync(Assert.Single(result.InstanceIds));
        Assert.Equal("P-7", instance.BusinessKey);
        Assert.Equal("France Travail", (await Host.VariablesAsync(instance.Id))["prescripteur"]!.GetValue<string>());
        Assert.Equal(["task"], await OpenTaskIdsAsync(instance.Id));
    }

    [Fact]
    public async Task A_message_nobody_waits_for_is_refused_with_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<WorkflowNotFoundException>(() =>
            Host.With(e => e.CorrelateMessageAsync("inconnu", "P-1", null, "x")));
        Assert.Contains("inconnu", error.Message);
    }

    [Fact]
    public async Task A_terminate_end_event_ends_the_whole_case_and_cancels_the_other_branch()
    {
        var id = await StartFixtureAsync("terminate");
        var b = await Host.SingleTaskAsync(id, "b");
        await Host.CompleteAsync(b.Id);

        Assert.Equal(InstanceState.Terminated, (await Host.InstanceAsync(id)).State);
        Assert.Empty(await Host.OpenTasksAsync(id));
        var a = await Host.Db(db => db.UserTasks.AsNoTracking().SingleAsync(t => t.InstanceId == id && t.ElementId == "a"));
        Assert.Equal(UserTaskState.Cancelled, a.State);
    }

    [Fact]
    public async Task An_error_end_event_in_a_sub_process_is_caught_by_its_error_boundary_event()
    {
        var id = await StartFixtureAsync("error-end");
        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "check")).Id, new { complete = false });

        Assert.Equal(["collect"], await OpenTaskIdsAsync(id));
        Assert.Contains(await Host.HistoryAsync(id), h => h.Type == HistoryTypes.ErrorThrown && h.Data!.Contains("PIECES_MANQUANTES"));
    }

    [Fact]
    public async Task Without_the_error_the_sub_process_completes_normally()
    {
        var id = await StartFixtureAsync("error-end");
        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "check")).Id, new { complete = true });

        Assert.Equal(["ok"], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task Intermediate_timers_wait_for_a_duration_a_date_and_a_cycle()
    {
        var id = await StartFixtureAsync("timer-catch", new { delay = "PT2H" });
        var job = Assert.Single(await Host.JobsAsync());
        Assert.Equal(Host.Clock.GetUtcNow().AddHours(2), job.DueAt);

        Host.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await Host.RunDueJobsAsync());
        Host.Clock.Advance(TimeSpan.FromHours(1));
        await Host.RunDueJobsAsync();
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero), Assert.Single(await Host.JobsAsync()).DueAt);

        Host.Clock.Set(new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero));
        await Host.RunDueJobsAsync();
        Assert.Equal(Host.Clock.GetUtcNow().AddDays(1), Assert.Single(await Host.JobsAsync()).DueAt);
        Host.Clock.Advance(TimeSpan.FromDays(1));
        await Host.RunDueJobsAsync();

        Assert.Equal(["followUp"], await OpenTaskIdsAsync(id));
        Assert.Empty(await Host.JobsAsync());
    }

    [Fact]
    public async Task An_intermediate_message_is_delivered_to_the_case_with_that_business_key_only()
    {
        await DeployFixtureAsync("message-catch");
        var mine = (await Host.StartAsync("message-catch", businessKey: "P-1")).Id;
        var other = (await Host.StartAsync("message-catch", businessKey: "P-2")).Id;

        var result = await Host.With(e => e.CorrelateMessageAsync("pieces-recues", "P-1",
            new Dictionary<string, object?> { ["pieces"] = new[] { "cni", "justificatif-domicile" } }, "conseiller"));

        Assert.Equal([mine], result.InstanceIds);
        Assert.Equal(["review"], await OpenTaskIdsAsync(mine));
        Assert.Empty(await OpenTaskIdsAsync(other));
        Assert.Equal(2, (await Host.VariablesAsync(mine))["pieces"]!.AsArray().Count);
        // delivered once: the same message again finds nobody waiting
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Host.With(e => e.CorrelateMessageAsync("pieces-recues", "P-1", null, "x")));
    }

    [Fact]
    public async Task A_non_interrupting_boundary_timer_reminds_on_its_cycle_while_the_task_stays_open()
    {
        var id = await StartFixtureAsync("boundary-timer");
        Host.Clock.Advance(TimeSpan.FromDays(2));
        await Host.RunDueJobsAsync();
        Assert.Equal(["reminder", "validate"], await OpenTaskIdsAsync(id));

        Host.Clock.Advance(TimeSpan.FromDays(2));
        await Host.RunDueJobsAsync();
        Assert.Equal(["reminder", "reminder", "validate"], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task An_interrupting_boundary_timer_escalates_an_overdue_task()
    {
        var id = await StartFixtureAsync("boundary-timer");
        Host.Clock.Advance(TimeSpan.FromDays(5));
        await Host.RunDueJobsAsync();

        var open = await OpenTaskIdsAsync(id);
        Assert.Contains("escalate", open);
        Assert.DoesNotContain("validate", open);
        Assert.DoesNotContain(await Host.JobsAsync(), j => j.InstanceId == id && j.ElementId == "remind");
    }

    [Fact]
    public async Task Completing_a_task_in_time_removes_its_boundary_timers()
    {
        var id = await StartFixtureAsync("boundary-timer");
        Assert.Equal(2, (await Host.JobsAsync()).Count);
        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "validate")).Id);

        Assert.Empty(await Host.JobsAsync());
        Host.Clock.Advance(TimeSpan.FromDays(10));
        await Host.RunDueJobsAsync();
        Assert.Equal(["done"], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task Leaving_a_sub_process_a_multi_instance_task_or_a_call_activity_in_time_removes_their_boundary_timers()
    {
        await DeployFixtureAsync("call-child");
        var id = await StartFixtureAsync("boundary-timer-scopes", new { items = new[] { 1, 2 } });
        async Task<string[]> TimersAsync() => (await Host.JobsAsync()).Select(j => j.ElementId).Order().ToArray();
        Assert.Equal(["subLate"], await TimersAsync());

        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "inner")).Id);
        Assert.Equal(["miLate"], await TimersAsync());
        foreach (var task in await Host.OpenTasksAsync(id))
            await Host.CompleteAsync(task.Id);
        Assert.Equal(["callLate"], await TimersAsync());
        var child = await Host.Db(db => db.ProcessInstances.AsNoTracking().SingleAsync(i => i.ParentInstanceId == id));
        await Host.CompleteAsync((await Host.SingleTaskAsync(child.Id, "decide")).Id);

        Assert.Empty(await Host.JobsAsync());
        Assert.Equal(["done"], await OpenTaskIdsAsync(id));
        Host.Clock.Advance(TimeSpan.FromDays(10));
        await Host.RunDueJobsAsync();
        Assert.Equal(["done"], await OpenTaskIdsAsync(id));
    }

    private Task<int> CountInstancesAsync(string key) => Host.Db(db => db.ProcessInstances.CountAsync(i => i.DefinitionKey == key));
}
