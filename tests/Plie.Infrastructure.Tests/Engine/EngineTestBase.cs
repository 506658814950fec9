using Plie.Testing;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Engine;

/// <summary>Each test gets its own engine on its own fresh database.</summary>
public abstract class EngineTestBase : IAsyncLifetime
{
    protected EngineHost Host { get; private set; } = null!;
    protected virtual bool FakeServiceTasks => true;

    public virtual async Task InitializeAsync() => Host = await EngineHost.StartAsync(fakeServiceTasks: FakeServiceTasks);

    public async Task DisposeAsync() => await Host.DisposeAsync();

    protected FakeServiceTasks Fakes => Host.Fakes!;

    protected static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Engine", "Fixtures", name + ".bpmn"));

    protected Task DeployFixtureAsync(string name) => Host.DeployAsync(Fixture(name));

    protected async Task<Guid> StartFixtureAsync(string name, object? variables = null, string? businessKey = null)
    {
        await DeployFixtureAsync(name);
        return (await Host.StartAsync(name, variables, businessKey)).Id;
    }

    /// <summary>A case of <c>async-retry</c> whose service task failed its three tries: its open incident.</summary>
    protected async Task<(Guid Instance, IncidentRecord Incident)> StartFailingCaseAsync()
    {
        Fakes.On("test.flaky", _ => throw new InvalidOperationException("KO"));
        var id = await StartFixtureAsync("async-retry");
        for (var i = 0; i < 3; i++)
        {
            await Host.RunDueJobsAsync();
            Host.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        return (id, Assert.Single(await Host.IncidentsAsync(id)));
    }

    protected async Task<string[]> OpenTaskIdsAsync(Guid instanceId) =>
        (await Host.OpenTasksAsync(instanceId)).Select(t => t.ElementId).Order().ToArray();
}
