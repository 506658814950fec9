using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plie.Infrastructure;
using Plie.Infrastructure.Persistence;
using Plie.Infrastructure.Workflow;
using Plie.Workflow;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Testing;

/// <summary>
/// The engine wired as in the app (EF store on a fresh, migrated PostgreSQL database, Mediator handlers, job runner)
/// with a hand-moved clock. Optionally, service-task topics are served by <see cref="FakeServiceTasks"/> instead of
/// Mediator, to give engine tests handlers that fail or raise BPMN errors on demand.
/// </summary>
public sealed class EngineHost : IAsyncDisposable
{
    private EngineHost(ServiceProvider services, string connectionString, ManualClock clock, FakeServiceTasks? fakes)
    {
        Services = services;
        ConnectionString = connectionString;
        Clock = clock;
        Fakes = fakes;
    }

    public ServiceProvider Services { get; }
    public string ConnectionString { get; }
    public ManualClock Clock { get; }
    public FakeServiceTasks? Fakes { get; }
    public JobRunner Jobs => Services.GetRequiredService<JobRunner>();

    /// <summary>A migrated, empty database cloned from a template (one template per test process).</summary>
    public static Task<string> CreateDatabaseAsync() =>
        TestDatabases.CreateAsync("plie-migrated", async cs =>
        {
            var options = new DbContextOptionsBuilder<PlieDbContext>().UseNpgsql(cs, PlieDbContext.ConfigureNpgsql).Options;
            await using var db = new PlieDbContext(options);
            await db.Database.MigrateAsync();
        });

    /// <param name="realClock">Use the system clock instead of the manual one (for tests of the background job runner).</param>
    public static async Task<EngineHost> StartAsync(bool fakeServiceTasks = false, Action<WorkflowOptions>? options = null,
        Action<IServiceCollection>? configure = null, bool realClock = false)
    {
        var connectionString = await CreateDatabaseAsync();
        var clock = new ManualClock();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(realClock ? TimeProvider.System : clock);
        services.AddPlieInfrastructure(connectionString, o =>
        {
            o.RunJobs = false; // tests run jobs explicitly
            o.RetryBackoff = TimeSpan.FromSeconds(10);
            options?.Invoke(o);
        });
        FakeServiceTasks? fakes = null;
        if (fakeServiceTasks)
        {
            fakes = new FakeServiceTasks();
            services.AddSingleton(fakes);
            services.AddSingleton<ITopicCatalog>(fakes);
            services.AddScoped<IServiceTaskInvoker>(_ => fakes);
        }
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        return new EngineHost(provider, connectionString, clock, fakes);
    }

    /// <summary>Runs <paramref name="action"/> with an engine of its own scope (as one web request would).</summary>
    public async Task<T> With<T>(Func<IWorkflowEngine, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<IWorkflowEngine>());
    }

    public Task Do(Func<IWorkflowEngine, Task> action) => With(async e =>
    {
        await action(e);
        return true;
    });

    public async Task<T> Db<T>(Func<PlieDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PlieDbContext>());
    }

    /// <summary>The repository's <c>workflows/</c> folder (the procedures deployed at start-up).</summary>
    public static string WorkflowsFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "workflows"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("workflows/ introuvable"), "workflows");
    }

    public Task<DeploymentResult> DeployAsync(string xml) => With(e => e.DeployAsync(xml, "test"));

    public Task<ProcessInstanceRecord> StartAsync(string key, object? variables = null, string? businessKey = null) =>
        With(e => e.StartAsync(key, businessKey, ToDictionary(variables), "test"));

    public Task CompleteAsync(Guid taskId, object? variables = null, string user = "test") =>
        Do(e => e.CompleteTaskAsync(taskId, ToDictionary(variables), user));

    public Task<ProcessInstanceRecord> InstanceAsync(Guid id) =>
        Db(db => db.ProcessInstances.AsNoTracking().SingleAsync(i => i.Id == id));

    public Task<List<UserTaskRecord>> OpenTasksAsync(Guid instanceId) =>
        Db(db => db.UserTasks.AsNoTracking().Where(t => t.InstanceId == instanceId && t.State == UserTaskState.Open)
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.ElementId).ToListAsync());

    public async Task<UserTaskRecord> SingleTaskAsync(Guid instanceId, string elementId) =>
        (await OpenTasksAsync(instanceId)).Single(t => t.ElementId == elementId);

    public Task<List<HistoryEventRecord>> HistoryAsync(Guid instanceId) =>
        Db(db => db.HistoryEvents.AsNoTracking().Where(h => h.InstanceId == instanceId).OrderBy(h => h.Id).ToListAsync());

    public Task<List<JobRecord>> JobsAsync() => Db(db => db.Jobs.AsNoTracking().OrderBy(j => j.DueAt).ToListAsync());

    public Task<List<IncidentRecord>> IncidentsAsync(Guid instanceId) =>
        Db(db => db.Incidents.AsNoTracking().Where(i => i.InstanceId == instanceId).OrderBy(i => i.CreatedAt).ToListAsync());

    public Task<IReadOnlyDictionary<string, JsonNode?>> VariablesAsync(Guid instanceId) => With(e => e.GetVariablesAsync(instanceId));

    /// <summary>Runs due jobs (as the job runner would) until none is due at the current clock time.</summary>
    public async Task<int> RunDueJobsAsync(int maxRounds = 20)
    {
        var total = 0;
        for (var i = 0; i < maxRounds; i++)
        {
            var ran = await Jobs.RunDueJobsAsync(CancellationToken.None);
            if (ran == 0) break;
            total += ran;
        }
        return total;
    }

    public static IReadOnlyDictionary<string, object?>? ToDictionary(object? variables) => variables switch
    {
        null => null,
        IReadOnlyDictionary<string, object?> d => d,
        _ => variables.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(variables)),
    };

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await TestDatabases.DropAsync(ConnectionString);
    }
}

/// <summary>Service-task handlers defined by the test: topic → function of the input variables.</summary>
public sealed class FakeServiceTasks : ITopicCatalog, IServiceTaskInvoker
{
    private readonly Dictionary<string, Func<JsonObject, IReadOnlyDictionary<string, JsonNode?>>> _handlers = new();
    private readonly Dictionary<string, int> _calls = new();

    /// <summary>Serves <paramref name="topic"/>: the handler's result (an object or a dictionary, or null) becomes output variables.</summary>
    public void On(string topic, Func<JsonObject, object?> handler)
    {
        IReadOnlyDictionary<string, JsonNode?> Run(JsonObject input) =>
            (EngineHost.ToDictionary(handler(input)) ?? new Dictionary<string, object?>())
            .ToDictionary(kv => kv.Key, kv => VariableValues.ToNode(kv.Value));
        lock (_handlers) _handlers[topic] = Run;
    }

    public int Calls(string topic)
    {
        lock (_handlers) return _calls.GetValueOrDefault(topic);
    }

    public bool IsKnown(string topic)
    {
        lock (_handlers) return _handlers.ContainsKey(topic);
    }

    public IReadOnlyList<TopicDescriptor> Topics
    {
        get
        {
            lock (_handlers) return _handlers.Keys.Select(k => new TopicDescriptor(k, k, [], [])).ToList();
        }
    }

    public Task<IReadOnlyDictionary<string, JsonNode?>> InvokeAsync(string topic, JsonObject input, ServiceTaskContext context,
        CancellationToken ct)
    {
        Func<JsonObject, IReadOnlyDictionary<string, JsonNode?>> handler;
        lock (_handlers)
        {
            handler = _handlers[topic];
            _calls[topic] = _calls.GetValueOrDefault(topic) + 1;
        }
        return Task.FromResult(handler(input));
    }
}
