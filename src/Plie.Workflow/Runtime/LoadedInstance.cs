using System.Text.Json.Nodes;
using Plie.Workflow.Model;
using Plie.Workflow.Ports;

namespace Plie.Workflow.Runtime;

/// <summary>One locked instance and its runtime rows, as the current step sees them.</summary>
internal sealed class LoadedInstance
{
    private readonly IWorkflowStore _store;
    private List<JobRecord>? _jobs;
    private List<MessageSubscriptionRecord>? _subscriptions;
    // Added by this step before the stored ones were read (the store's query returns saved rows only).
    private List<JobRecord>? _addedJobs;
    private List<MessageSubscriptionRecord>? _addedSubscriptions;

    public LoadedInstance(IWorkflowStore store, ProcessInstanceRecord instance, ProcessModel model,
        List<ExecutionRecord> executions, List<VariableRecord> variables, List<UserTaskRecord> tasks, bool isNew)
    {
        _store = store;
        Instance = instance;
        Model = model;
        Executions = executions;
        Variables = variables;
        Tasks = tasks;
        if (isNew)
        {
            _jobs = [];
            _subscriptions = [];
        }
    }

    public ProcessInstanceRecord Instance { get; }
    public ProcessModel Model { get; }
    public List<ExecutionRecord> Executions { get; }
    public List<VariableRecord> Variables { get; }
    /// <summary>Open tasks.</summary>
    public List<UserTaskRecord> Tasks { get; }

    /// <summary>The instance's jobs, read from the store the first time they are needed (with those added since).</summary>
    public async ValueTask<List<JobRecord>> JobsAsync(CancellationToken ct)
    {
        if (_jobs is null)
        {
            var stored = await _store.GetJobsAsync(Instance.Id, ct);
            if (_addedJobs is not null) stored.AddRange(_addedJobs);
            _addedJobs = null;
            _jobs = stored;
        }
        return _jobs;
    }

    /// <summary>The instance's message subscriptions, read from the store the first time they are needed (with those added since).</summary>
    public async ValueTask<List<MessageSubscriptionRecord>> SubscriptionsAsync(CancellationToken ct)
    {
        if (_subscriptions is null)
        {
            var stored = await _store.GetSubscriptionsAsync(Instance.Id, ct);
            if (_addedSubscriptions is not null) stored.AddRange(_addedSubscriptions);
            _addedSubscriptions = null;
            _subscriptions = stored;
        }
        return _subscriptions;
    }

    /// <summary>Notes a job just added to the store, without reading the instance's other jobs.</summary>
    public void AddJob(JobRecord job)
    {
        if (_jobs is not null) _jobs.Add(job);
        else (_addedJobs ??= []).Add(job);
    }

    /// <summary>Notes a subscription just added to the store, without reading the instance's other subscriptions.</summary>
    public void AddSubscription(MessageSubscriptionRecord subscription)
    {
        if (_subscriptions is not null) _subscriptions.Add(subscription);
        else (_addedSubscriptions ??= []).Add(subscription);
    }

    public ExecutionRecord Execution(Guid id) =>
        Executions.FirstOrDefault(e => e.Id == id)
        ?? throw new WorkflowConflictException($"Le jeton {id} n'existe plus dans l'instance {Instance.Id}.");

    public IEnumerable<ExecutionRecord> Children(Guid? scopeId) => Executions.Where(e => e.ParentId == scopeId);

    public IEnumerable<ExecutionRecord> Descendants(Guid id)
    {
        foreach (var child in Executions.Where(e => e.ParentId == id).ToList())
        {
            yield return child;
            foreach (var d in Descendants(child.Id)) yield return d;
        }
    }

    /// <summary>The variables visible from an execution: process variables overlaid by the locals of its scopes.</summary>
    public Dictionary<string, JsonNode?> VisibleVariables(ExecutionRecord? execution)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var v in Variables.Where(v => v.ExecutionId is null))
            result[v.Name] = VariableValues.Read(v);
        var chain = new List<Guid>();
        for (var e = execution; e is not null; e = e.ParentId is { } p ? Executions.FirstOrDefault(x => x.Id == p) : null)
            chain.Add(e.Id);
        chain.Reverse();
        foreach (var scope in chain)
            foreach (var v in Variables.Where(v => v.ExecutionId == scope))
                result[v.Name] = VariableValues.Read(v);
        return result;
    }

    /// <summary>Where a variable set from <paramref name="execution"/> goes: the nearest scope that has it, else the process.</summary>
    public VariableRecord? Find(string name, ExecutionRecord? execution)
    {
        for (var e = execution; e is not null; e = e.ParentId is { } p ? Executions.FirstOrDefault(x => x.Id == p) : null)
        {
            var local = Variables.FirstOrDefault(v => v.ExecutionId == e.Id && v.Name == name);
            if (local is not null) return local;
        }
        return Variables.FirstOrDefault(v => v.ExecutionId is null && v.Name == name);
    }
}

/// <summary>Typed JSON values of variables.</summary>
public static class VariableValues
{
    public static JsonNode? Read(VariableRecord v) => v.Type == "Null" ? null : JsonNode.Parse(v.Json);

    public static string TypeOf(JsonNode? value) => value switch
    {
        null => "Null",
        JsonObject or JsonArray => "Json",
        JsonValue jv when jv.GetValueKind() == System.Text.Json.JsonValueKind.String => "String",
        JsonValue jv when jv.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "Boolean",
        JsonValue jv when jv.GetValueKind() == System.Text.Json.JsonValueKind.Number =>
            long.TryParse(jv.ToJsonString(), out _) ? "Integer" : "Double",
        _ => "Json",
    };

    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined } => null,
        _ => System.Text.Json.JsonSerializer.SerializeToNode(value),
    };

    public static string? AsString(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    public static bool IsEmpty(JsonNode? node) => node is null || (AsString(node) is { } s && string.IsNullOrWhiteSpace(s));
}
