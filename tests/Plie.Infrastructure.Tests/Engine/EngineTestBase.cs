using Plie.Testing;

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

    protected async Task<string[]> OpenTaskIdsAsync(Guid instanceId) =>
        (await Host.OpenTasksAsync(instanceId)).Select(t => t.ElementId).Order().ToArray();
}
