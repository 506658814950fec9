using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plie.Workflow.Model;
using Plie.Workflow.Parsing;
using Plie.Workflow.Ports;

namespace Plie.Workflow.Runtime.DryRun;

/// <summary>What a service task would have called: the topic and the inputs, and the outputs given back instead.</summary>
public sealed record ServiceCall(string ElementId, string? ElementName, string Topic, string Inputs, string Outputs);

/// <summary>An open user task of the dry run, with its form fields (none for a form key's form).</summary>
/// <param name="CalledProcess">The name of the called process the task belongs to; null for the model's own tasks.</param>
public sealed record DryRunTask(Guid Id, string ElementId, string? Name, string? FormKey, IReadOnlyList<FormField> FormFields,
    IReadOnlyList<string> CandidateGroups, string? Assignee, DateTimeOffset? DueAt, string? CalledProcess = null);

public sealed record DryRunTimer(Guid JobId, string ElementId, string? ElementName, DateTimeOffset DueAt);

public sealed record DryRunMessage(string MessageName, string ElementId, string? ElementName);

/// <summary>A gateway passed and the flow(s) it chose.</summary>
public sealed record GatewayDecision(string GatewayId, string? GatewayName, IReadOnlyList<string> FlowIds, IReadOnlyList<string?> FlowNames);

/// <summary>One line of the dry run's log.</summary>
public sealed record DryRunEvent(DateTimeOffset At, string Type, string? ElementId, string? ElementName, string? Data);

/// <summary>
/// A throwaway run of a model (the designer's « Essai »): the engine itself, on an in-memory store, with service tasks
/// that call nothing — each call is recorded and answered with the outputs the manager typed for its topic (none by
/// default). No database row is written and no participant data is read: the published processes the model calls are
/// copied into the session at its start, and call activities run them there, so that their tasks, timers and messages
/// are part of the run. Lives as long as the page that owns it; one user, one call at a time.
/// </summary>
public sealed class DryRunSession
{
    private const string Worker = "dry-run";
    private readonly InMemoryWorkflowStore _store;
    private readonly WorkflowEngine _engine;
    private readonly RecordingInvoker _invoker;
    private readonly TimeProvider _clock;
    private readonly DefinitionCache _definitions;
    private ProcessModel _model = null!;
    private Guid? _instanceId;

    private DryRunSession(InMemoryWorkflowStore store, WorkflowEngine engine, RecordingInvoker invoker, TimeProvider clock,
        DefinitionCache definitions)
    {
        _definitions = definitions;
        _store = store;
        _engine = engine;
        _invoker = invoker;
        _clock = clock;
    }

    /// <summary>
    /// Loads a model into a new session (throws <see cref="WorkflowValidationException"/> when the deploy check refuses
    /// it). Service tasks are checked against the real catalogue but never call it.
    /// </summary>
    /// <param name="calledProcesses">The XML of the published processes the model may call (their latest versions).</param>
    public static async Task<DryRunSession> CreateAsync(string xml, ITopicCatalog topics, IFormCatalog forms, TimeProvider clock,
        ILoggerFactory loggers, IReadOnlyList<string>? calledProcesses = null, CancellationToken ct = default)
    {
        var store = new InMemoryWorkflowStore();
        var invoker = new RecordingInvoker();
        // One try: a failing step becomes an incident at once instead of being retried later.
        var options = Options.Create(new WorkflowOptions { DefaultRetries = 1, RunJobs = false });
        var definitions = new DefinitionCache();
        var engine = new WorkflowEngine(store, definitions, invoker, topics, forms, options, clock, [],
            loggers.CreateLogger<WorkflowEngine>());
        var session = new DryRunSession(store, engine, invoker, clock, definitions);
        foreach (var called in calledProcesses ?? [])
        {
            // A published process that no longer passes today's checks is left out: calling it is an incident, as it
            // would be for real.
            try { await engine.DeployAsync(called, Worker, ct); }
            catch (WorkflowValidationException) { }
        }
        var deployed = await engine.DeployAsync(xml, Worker, ct);
        session._model = definitions.Get(deployed.Definition);
        return session;
    }

    public ProcessModel Model => _model;

    /// <summary>Outputs returned by service tasks, by topic (as typed by the manager); a topic not listed returns none.</summary>
    public IDictionary<string, JsonObject> ServiceOutputs => _invoker.Outputs;

    public IReadOnlyList<ServiceCall> ServiceCalls =>
        _invoker.Calls.Select(c => c.Call with { ElementName = NameOf(c.Call.ElementId, c.InstanceId) }).ToList();

    public bool Started => _instanceId is not null;

    public InstanceState? State => Instance?.State;

    private ProcessInstanceRecord? Instance => _store.Current.Instances.FirstOrDefault(i => i.Id == _instanceId);

    // Every instance of the store is this session's: the model's and those its call activities started.

    /// <summary>The model of an instance of the session (the model itself, or a called process).</summary>
    private ProcessModel ModelOf(Guid instanceId)
    {
        if (instanceId == _instanceId) return _model;
        var definitionId = _store.Current.Instances.FirstOrDefault(i => i.Id == instanceId)?.DefinitionId;
        var definition = _store.Current.Definitions.FirstOrDefault(d => d.Id == definitionId);
        return definition is null ? _model : _definitions.Get(definition);
    }

    private string? NameOf(string elementId, Guid instanceId) => ModelOf(instanceId).Nodes.GetValueOrDefault(elementId)?.Name;

    /// <summary>The called process's name for an instance started by a call activity; null for the model's own.</summary>
    private string? CalledProcessOf(Guid instanceId)
    {
        if (instanceId == _instanceId) return null;
        var model = ModelOf(instanceId);
        return model.Name ?? model.Id;
    }

    private static string? Qualified(string? name, string? process) => process is null || name is null ? name : $"{name} ({process})";

    /// <summary>Starts the instance with the test variables (then runs what is due at once).</summary>
    public async Task StartAsync(IReadOnlyDictionary<string, object?> variables, CancellationToken ct = default)
    {
        if (_instanceId is not null) throw new WorkflowConflictException("L'essai est déjà démarré : recommencez pour repartir du début.");
        var instance = await _engine.StartAsync(_model.Id, "essai", variables, Worker, ct);
        _instanceId = instance.Id;
        await RunDueJobsAsync(ct);
    }

    public IReadOnlyList<DryRunTask> OpenTasks => _store.Current.Tasks
        .Where(t => t.State == UserTaskState.Open)
        .OrderBy(t => t.CreatedAt)
        .Select(t => new DryRunTask(t.Id, t.ElementId, t.Name, t.FormKey,
            t.FormFieldsJson is null ? [] : JsonSerializer.Deserialize<List<FormField>>(t.FormFieldsJson, JsonDefaults.Options) ?? [],
            t.CandidateGroups, t.Assignee, t.DueAt, CalledProcessOf(t.InstanceId)))
        .ToList();

    /// <summary>Completes a task with the values given (checked against its form fields, as for real).</summary>
    public async Task CompleteTaskAsync(Guid taskId, IReadOnlyDictionary<string, object?> variables, CancellationToken ct = default)
    {
        await _engine.CompleteTaskAsync(taskId, variables, Worker, ct);
        await RunDueJobsAsync(ct);
    }

    public IReadOnlyList<DryRunTimer> PendingTimers => _store.Current.Jobs
        .Where(j => j.InstanceId is not null && j.Kind is JobKind.BoundaryTimer or JobKind.IntermediateTimer)
        .OrderBy(j => j.DueAt)
        .Select(j => new DryRunTimer(j.Id, j.ElementId, NameOf(j.ElementId, j.InstanceId!.Value), j.DueAt))
        .ToList();

    /// <summary>Fires a timer now, whatever its due date.</summary>
    public async Task<JobOutcome> FireTimerAsync(Guid jobId, CancellationToken ct = default)
    {
        if (!_store.LockJob(jobId, Worker, _clock.GetUtcNow().AddMinutes(5)))
            throw new WorkflowNotFoundException("Cette minuterie n'existe plus.");
        var outcome = await _engine.ExecuteJobAsync(jobId, Worker, ct);
        await RunDueJobsAsync(ct);
        return outcome;
    }

    public IReadOnlyList<DryRunMessage> WaitingMessages => _store.Current.Subscriptions
        .Where(s => s.InstanceId is not null)
        .Select(s => new DryRunMessage(s.MessageName, s.ElementId, NameOf(s.ElementId, s.InstanceId!.Value)))
        .ToList();

    public async Task CorrelateAsync(string messageName, IReadOnlyDictionary<string, object?> variables, CancellationToken ct = default)
    {
        await _engine.CorrelateMessageAsync(messageName, null, variables, Worker, ct);
        await RunDueJobsAsync(ct);
    }

    public IReadOnlyDictionary<string, JsonNode?> Variables => _store.Current.Variables
        .Where(v => v.InstanceId == _instanceId && v.ExecutionId is null)
        .ToDictionary(v => v.Name, VariableValues.Read);

    /// <summary>Open incidents, of the model or of a process it called.</summary>
    public IReadOnlyList<IncidentRecord> Incidents => _store.Current.Incidents.Where(i => i.ResolvedAt is null).ToList();

    /// <summary>What happened, in order, in the model and in the processes it called (their element names tell them apart).</summary>
    public IReadOnlyList<DryRunEvent> Log => _store.Current.History
        .OrderBy(h => h.Id)
        .Select(h => new DryRunEvent(h.At, h.Type, h.ElementId, Qualified(h.ElementName, CalledProcessOf(h.InstanceId)), h.Data))
        .ToList();

    /// <summary>The model's own history: what the canvas marks and the gateways it shows are read from.</summary>
    private List<HistoryEventRecord> OwnHistory => _store.Current.History.Where(h => h.InstanceId == _instanceId).OrderBy(h => h.Id).ToList();

    /// <summary>Where tokens wait now.</summary>
    public IReadOnlyList<string> ActiveElements => _store.Current.Executions
        .Where(e => e.InstanceId == _instanceId && e.ActivityId is not null && !_store.Current.Executions.Any(c => c.ParentId == e.Id))
        .Select(e => e.ActivityId!).Distinct().ToList();

    /// <summary>The elements left so far and the sequence flows taken (see <see cref="TakenFlows"/>).</summary>
    public IReadOnlyList<string> CompletedElements =>
        OwnHistory.Where(e => e.Type == HistoryTypes.ElementLeft && e.ElementId is not null).Select(e => e.ElementId!)
            .Concat(TakenFlows()).Distinct().ToList();

    /// <summary>
    /// The sequence flows taken, read from the history: an element entered right after its source was left came through
    /// the flow between them (the latest element left with a flow to it).
    /// </summary>
    public IReadOnlyList<string> TakenFlows()
    {
        var taken = new List<string>();
        var left = new List<string>();
        foreach (var e in OwnHistory)
        {
            if (e.ElementId is null) continue;
            if (e.Type == HistoryTypes.ElementLeft) left.Add(e.ElementId);
            else if (e.Type == HistoryTypes.ElementEntered && _model.Nodes.TryGetValue(e.ElementId, out var node))
            {
                for (var i = left.Count - 1; i >= 0; i--)
                {
                    var flow = node.Incoming.FirstOrDefault(f => f.Source.Id == left[i]);
                    if (flow is null) continue;
                    taken.Add(flow.Id);
                    break;
                }
            }
        }
        return taken;
    }

    /// <summary>The gateways passed, in order, with the flows each one chose.</summary>
    public IReadOnlyList<GatewayDecision> GatewayDecisions()
    {
        var flows = TakenFlows().Select(id => _model.Flows[id]).ToList();
        return OwnHistory.Where(e => e.Type == HistoryTypes.ElementLeft && e.ElementId is not null
                              && _model.Nodes.GetValueOrDefault(e.ElementId) is Gateway { Outgoing.Count: > 1 })
            .Select(e => e.ElementId!).Distinct()
            .Select(id =>
            {
                var chosen = flows.Where(f => f.Source.Id == id).Distinct().ToList();
                return new GatewayDecision(id, _model.Nodes[id].Name, chosen.Select(f => f.Id).ToList(), chosen.Select(f => f.Name).ToList());
            })
            .ToList();
    }

    /// <summary>Runs what is due now (asynchronous continuations, timers already due), as the job runner would.</summary>
    private async Task RunDueJobsAsync(CancellationToken ct)
    {
        var tried = new HashSet<Guid>();
        while (true)
        {
            var due = await _store.AcquireJobsAsync(Worker, 16, _clock.GetUtcNow(), TimeSpan.FromMinutes(5), ct);
            var fresh = due.Where(tried.Add).ToList();
            if (fresh.Count == 0) return;
            foreach (var id in fresh) await _engine.ExecuteJobAsync(id, Worker, ct);
        }
    }

    /// <summary>Calls nothing: records the call and returns the outputs typed for the topic.</summary>
    private sealed class RecordingInvoker : IServiceTaskInvoker
    {
        public Dictionary<string, JsonObject> Outputs { get; } = new(StringComparer.Ordinal);
        public List<(ServiceCall Call, Guid InstanceId)> Calls { get; } = [];

        public Task<IReadOnlyDictionary<string, JsonNode?>> InvokeAsync(string topic, JsonObject input, ServiceTaskContext context,
            CancellationToken ct)
        {
            var output = Outputs.TryGetValue(topic, out var typed) ? typed : new JsonObject();
            Calls.Add((new ServiceCall(context.ElementId, null, topic, input.ToJsonString(), output.ToJsonString()), context.InstanceId));
            IReadOnlyDictionary<string, JsonNode?> result = output.ToDictionary(p => p.Key, p => p.Value?.DeepClone());
            return Task.FromResult(result);
        }
    }
}
