using Microsoft.EntityFrameworkCore;
using Plie.Workflow;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Engine;

public sealed class ServiceTaskTests : EngineTestBase
{
    [Fact]
    public async Task A_service_task_gets_its_input_parameters_and_its_output_is_mapped_back()
    {
        Fakes.On("test.compute", input => new { result = input["x"]!.GetValue<int>() + (input["label"]!.GetValue<string>() == "fixe" ? 100 : 0) });
        var id = await StartFixtureAsync("service-task", new { amount = 21 });

        var vars = await Host.VariablesAsync(id);
        Assert.Equal(143, vars["total"]!.GetValue<int>()); // (21*2 + 100) + 1
        Assert.False(vars.ContainsKey("result")); // outputs are mapped explicitly
        Assert.Equal(["task"], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task A_bpmn_error_raised_by_a_handler_is_caught_by_the_error_boundary_event()
    {
        Fakes.On("test.check", _ => throw new BpmnErrorException("NON_ELIGIBLE", "Commune non adhérente"));
        var id = await StartFixtureAsync("boundary-error");

        Assert.Equal(["explain"], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task A_failing_synchronous_handler_fails_the_step_and_nothing_is_saved()
    {
        Fakes.On("test.check", _ => throw new InvalidOperationException("base indisponible"));
        await DeployFixtureAsync("boundary-error");

        var error = await Assert.ThrowsAsync<WorkflowException>(() => Host.StartAsync("boundary-error"));
        Assert.Contains("base indisponible", error.Message);
        Assert.Equal(0, await Host.Db(db => db.ProcessInstances.CountAsync()));
        Assert.Equal(0, await Host.Db(db => db.HistoryEvents.CountAsync()));
    }

    [Fact]
    public async Task A_handler_that_fails_three_times_ends_in_an_incident_that_a_retry_resolves()
    {
        var failing = true;
        Fakes.On("test.flaky", _ => failing ? throw new InvalidOperationException("service partenaire indisponible") : null);
        var id = await StartFixtureAsync("async-retry");
        Assert.Empty(await Host.OpenTasksAsync(id)); // waiting in the job

        await Host.RunDueJobsAsync();
        var job = Assert.Single(await Host.JobsAsync());
        Assert.Equal(2, job.Retries);
        Assert.Equal(Host.Clock.GetUtcNow().AddSeconds(10), job.DueAt); // back-off
        Host.Clock.Advance(TimeSpan.FromSeconds(10));
        await Host.RunDueJobsAsync();
        Host.Clock.Advance(TimeSpan.FromSeconds(20));
        await Host.RunDueJobsAsync();

        Assert.Equal(3, Fakes.Calls("test.flaky"));
        var incident = Assert.Single(await Host.IncidentsAsync(id));
        Assert.Equal("flaky", incident.ElementId);
        Assert.Contains("service partenaire indisponible", incident.Message);
        Assert.Null(incident.ResolvedAt);
        Host.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await Host.RunDueJobsAsync()); // no retries left: it waits for a person

        failing = false;
        await Host.Do(e => e.RetryIncidentAsync(incident.Id, "superviseur"));
        await Host.RunDueJobsAsync();

        Assert.Equal(["task"], await OpenTaskIdsAsync(id));
        Assert.NotNull(Assert.Single(await Host.IncidentsAsync(id)).ResolvedAt);
        var history = (await Host.HistoryAsync(id)).Select(h => h.Type).ToList();
        Assert.Equal(3, history.Count(t => t == HistoryTypes.JobFailed));
        Assert.Contains(HistoryTypes.IncidentCreated, history);
        Assert.Contains(HistoryTypes.IncidentResolved, history);
    }

    [Fact]
    public async Task The_retry_cycle_of_the_model_sets_the_number_of_tries_and_the_wait()
    {
        Fakes.On("test.flaky", _ => throw new InvalidOperationException("KO"));
        var id = await StartFixtureAsync("async-retry-cycle");
        for (var i = 0; i < 5; i++)
        {
            await Host.RunDueJobsAsync();
            Host.Clock.Advance(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(5, Fakes.Calls("test.flaky"));
        Assert.Single(await Host.IncidentsAsync(id));
    }

    [Fact]
    public async Task Retrying_a_resolved_incident_is_a_conflict()
    {
        var (_, incident) = await StartFailingCaseAsync();
        await Host.Do(e => e.RetryIncidentAsync(incident.Id, "s"));
        await Assert.ThrowsAsync<WorkflowConflictException>(() => Host.Do(e => e.RetryIncidentAsync(incident.Id, "s")));
    }
}
