using Microsoft.EntityFrameworkCore;
using Plie.Workflow;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Engine;

public sealed class FlowTests : EngineTestBase
{
    [Theory]
    [InlineData(25, new[] { "RSA" }, "young")]
    [InlineData(40, new[] { "RSA", "QPV" }, "rsa")]
    [InlineData(40, new[] { "QPV" }, "other")]
    public async Task An_exclusive_gateway_takes_the_first_true_condition_or_the_default(int age, string[] publics, string expected)
    {
        var id = await StartFixtureAsync("exclusive", new { age, publics });
        Assert.Equal([expected], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task A_parallel_gateway_forks_and_joins_when_every_branch_arrived()
    {
        var id = await StartFixtureAsync("parallel");
        Assert.Equal(["a", "b", "c"], await OpenTaskIdsAsync(id));

        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "a")).Id);
        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "c")).Id);
        Assert.Equal(["b"], await OpenTaskIdsAsync(id));

        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "b")).Id);
        Assert.Equal(["after"], await OpenTaskIdsAsync(id));
        Assert.Equal(1, await Host.Db(db => db.Executions.CountAsync(e => e.InstanceId == id)));
    }

    [Fact]
    public async Task An_inclusive_gateway_takes_every_true_branch_and_joins_only_those()
    {
        var id = await StartFixtureAsync("inclusive", new { freins = new { mobilite = true, logement = false, sante = true } });
        Assert.Equal(["health", "mobility"], await OpenTaskIdsAsync(id));

        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "mobility")).Id);
        Assert.Equal(["health"], await OpenTaskIdsAsync(id));
        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "health")).Id);
        Assert.Equal(["plan"], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task An_inclusive_gateway_with_no_true_condition_takes_its_default_flow()
    {
        var id = await StartFixtureAsync("inclusive", new { freins = new { mobilite = false, logement = false, sante = false } });
        Assert.Equal(["plan"], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task A_condition_on_a_missing_variable_fails_the_step_with_a_clear_message_and_changes_nothing()
    {
        await DeployFixtureAsync("exclusive");
        var error = await Assert.ThrowsAsync<WorkflowException>(() => Host.StartAsync("exclusive", new { publics = new[] { "RSA" } }));
        Assert.Contains("age", error.Message);
        Assert.Equal(0, await Host.Db(db => db.ProcessInstances.CountAsync()));
    }

    [Fact]
    public async Task An_embedded_sub_process_runs_its_steps_then_continues_after_it()
    {
        var id = await StartFixtureAsync("subprocess");
        Assert.Equal(["first"], await OpenTaskIdsAsync(id));
        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "first")).Id);
        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "second")).Id);

        Assert.Equal(["after"], await OpenTaskIdsAsync(id));
        var history = await Host.HistoryAsync(id);
        Assert.Contains(history, h => h.Type == HistoryTypes.ElementLeft && h.ElementId == "diagnosis");
    }

    [Fact]
    public async Task A_call_activity_runs_the_latest_version_of_the_called_process_and_passes_variables_in_and_out()
    {
        await DeployFixtureAsync("call-child");
        await Host.DeployAsync(Fixture("call-child").Replace("<bpmn:userTask id=\"decide\" />", "<bpmn:userTask id=\"decide\" name=\"v2\" />"));
        var parent = await StartFixtureAsync("call-parent", new { participant = "P-9" });

        var child = await Host.Db(db => db.ProcessInstances.AsNoTracking().SingleAsync(i => i.ParentInstanceId == parent));
        Assert.Equal(2, child.DefinitionVersion);
        Assert.Equal("P-9", (await Host.VariablesAsync(child.Id))["who"]!.GetValue<string>());
        var decide = await Host.SingleTaskAsync(child.Id, "decide");
        Assert.Equal("v2", decide.Name);

        await Host.CompleteAsync(decide.Id, new { verdict = "favorable" });

        Assert.Equal(InstanceState.Completed, (await Host.InstanceAsync(child.Id)).State);
        Assert.Equal(["after"], await OpenTaskIdsAsync(parent));
        Assert.Equal("favorable", (await Host.VariablesAsync(parent))["childVerdict"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancelling_a_case_cancels_the_case_it_called()
    {
        await DeployFixtureAsync("call-child");
        var parent = await StartFixtureAsync("call-parent", new { participant = "P-9" });
        await Host.Do(e => e.CancelInstanceAsync(parent, "Sortie anticipée", "superviseur"));

        var child = await Host.Db(db => db.ProcessInstances.AsNoTracking().SingleAsync(i => i.ParentInstanceId == parent));
        Assert.Equal(InstanceState.Cancelled, child.State);
        Assert.Empty(await Host.OpenTasksAsync(child.Id));
    }

    [Fact]
    public async Task A_parallel_multi_instance_user_task_creates_one_task_per_item_then_continues()
    {
        var id = await StartFixtureAsync("mi-user", new
        {
            sequences = new[] { new { nom = "Atelier CV", referent = "alice" }, new { nom = "Immersion", referent = "bob" } },
        });
        var tasks = await Host.OpenTasksAsync(id);
        Assert.Equal(["alice", "bob"], tasks.Select(t => t.Assignee ?? "").Order().ToArray());

        await Host.CompleteAsync(tasks[0].Id);
        Assert.Single(await Host.OpenTasksAsync(id));
        await Host.CompleteAsync(tasks[1].Id);
        Assert.Equal(["synthesis"], await OpenTaskIdsAsync(id));
        Assert.False((await Host.VariablesAsync(id)).ContainsKey("sequence"));
    }

    [Fact]
    public async Task A_sequential_multi_instance_runs_one_at_a_time_and_stops_on_its_completion_condition()
    {
        var id = await StartFixtureAsync("mi-sequential", new { enough = false });
        Assert.Single(await Host.OpenTasksAsync(id));
        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "interview")).Id);
        Assert.Single(await Host.OpenTasksAsync(id));
        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "interview")).Id, new { enough = true });

        Assert.Equal(["after"], await OpenTaskIdsAsync(id)); // 2 of 3: the condition ended it
    }

    [Fact]
    public async Task A_multi_instance_service_task_calls_its_handler_once_per_item()
    {
        var seen = new List<string>();
        Fakes.On("test.notify", input =>
        {
            lock (seen) seen.Add(input["partner"]!.GetValue<string>());
            return null;
        });
        var id = await StartFixtureAsync("mi-service", new { partners = new[] { "CCAS", "France Travail", "Mission Locale" } });

        Assert.Equal(["CCAS", "France Travail", "Mission Locale"], seen.Order().ToArray());
        Assert.Equal(["after"], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task A_multi_instance_call_activity_starts_one_called_case_per_item()
    {
        await DeployFixtureAsync("call-child");
        var id = await StartFixtureAsync("mi-call", new { items = new[] { "P-1", "P-2" } });

        var children = await Host.Db(db => db.ProcessInstances.AsNoTracking().Where(i => i.ParentInstanceId == id).ToListAsync());
        Assert.Equal(2, children.Count);
        foreach (var child in children) await Host.CompleteAsync((await Host.SingleTaskAsync(child.Id, "decide")).Id);

        Assert.Equal(["after"], await OpenTaskIdsAsync(id));
    }
}
