using System.Text.Json;
using System.Text.Json.Nodes;
using Plie.Workflow.Expressions;
using Plie.Workflow.Model;
using Plie.Workflow.Ports;

namespace Plie.Workflow.Runtime;

/// <summary>
/// Moves tokens for one step: an agenda of operations, run until it is empty, i.e. until every token waits again.
/// Every instance the step touches is loaded first (<see cref="IWorkflowStore.LockAndLoadAsync"/>). The caller saves
/// and commits.
/// </summary>
internal sealed class StepRunner(
    IWorkflowStore store,
    DefinitionCache definitions,
    IServiceTaskInvoker services,
    WorkflowOptions options,
    DateTimeOffset now,
    string? user,
    CancellationToken ct)
{
    private readonly Queue<Func<ValueTask>> _agenda = new();
    private readonly Dictionary<Guid, LoadedInstance> _instances = new();

    public DateTimeOffset Now => now;
    public IEnumerable<LoadedInstance> Instances => _instances.Values;
    /// <summary>The earliest due time of the jobs this step created.</summary>
    public DateTimeOffset? EarliestNewJob { get; private set; }

    public async Task RunAsync()
    {
        while (_agenda.TryDequeue(out var op)) await op();
    }

    private void Schedule(Func<ValueTask> op) => _agenda.Enqueue(op);

    // ---------------------------------------------------------------- loading

    public async Task<LoadedInstance> LoadAsync(Guid instanceId)
    {
        if (_instances.TryGetValue(instanceId, out var loaded)) return loaded;
        var snapshot = await store.LockAndLoadAsync(instanceId, null, now, ct)
                       ?? throw new WorkflowNotFoundException($"L'instance {instanceId} n'existe pas.");
        return await RegisterAsync(snapshot);
    }

    /// <summary>Locks and loads the instance of a task (whatever the task's state).</summary>
    public async Task<LoadedInstance> LoadTaskInstanceAsync(Guid taskId)
    {
        var snapshot = await store.LockAndLoadAsync(null, taskId, now, ct)
                       ?? throw new WorkflowNotFoundException($"La tâche {taskId} n'existe pas.");
        return _instances.TryGetValue(snapshot.Instance.Id, out var loaded) ? loaded : await RegisterAsync(snapshot);
    }

    private async Task<LoadedInstance> RegisterAsync(InstanceSnapshot snapshot)
    {
        var instance = snapshot.Instance;
        if (instance.State != InstanceState.Running)
            throw new WorkflowConflictException($"L'instance {instance.Id} est terminée ({instance.State}).");
        var (_, model) = await definitions.GetAsync(instance.DefinitionId, store, ct)
                         ?? throw new WorkflowException($"La définition {instance.DefinitionId} a disparu.");
        var state = new LoadedInstance(store, instance, model,
            snapshot.Executions, snapshot.Variables, snapshot.OpenTasks, isNew: false);
        _instances[instance.Id] = state;
        return state;
    }

    // ---------------------------------------------------------------- starting

    public LoadedInstance StartInstance(ProcessDefinitionRecord definition, ProcessModel model, StartEvent start,
        string? businessKey, IReadOnlyDictionary<string, JsonNode?>? variables, Guid? parentInstanceId = null,
        Guid? parentExecutionId = null)
    {
        var instance = new ProcessInstanceRecord
        {
            Id = Guid.CreateVersion7(), DefinitionId = definition.Id, DefinitionKey = definition.Key,
            DefinitionVersion = definition.Version, BusinessKey = businessKey, State = InstanceState.Running,
            StartedAt = now, StartedBy = user, LastActivityAt = now,
            ParentInstanceId = parentInstanceId, ParentExecutionId = parentExecutionId,
            Revision = 1, // touched by the step that starts it, as every later step's lock touches it
        };
        store.Add(instance);
        var state = new LoadedInstance(store, instance, model, [], [], [], isNew: true);
        _instances[instance.Id] = state;
        History(state, HistoryTypes.InstanceStarted, null, new JsonObject
        {
            ["version"] = definition.Version,
            ["businessKey"] = businessKey,
            ["startEvent"] = start.Id,
        });
        if (variables is not null)
            foreach (var (name, value) in variables) SetVariable(state, null, name, value);
        var token = NewExecution(state, null, start.Id);
        Schedule(() => EnterAsync(state, token, start));
        return state;
    }

    // ---------------------------------------------------------------- entering and executing

    private async ValueTask EnterAsync(LoadedInstance s, ExecutionRecord exec, FlowNode node)
    {
        exec.ActivityId = node.Id;
        exec.State = ExecutionState.Active;
        exec.EnteredAt = now;
        History(s, HistoryTypes.ElementEntered, node, exec.ArrivedVia is { } via ? new JsonObject { ["via"] = via } : null);
        if (node.AsyncBefore)
        {
            exec.State = ExecutionState.Waiting;
            AddJob(s, new JobRecord
            {
                Kind = JobKind.AsyncContinuation, ElementId = node.Id, ExecutionId = exec.Id, DueAt = now,
                Retries = node.RetryCycle?.Tries ?? options.DefaultRetries,
            });
            return;
        }
        await ExecuteAsync(s, exec, node);
    }

    /// <summary>The behaviour of a node, once entered (and after its async continuation, if any).</summary>
    public async ValueTask ExecuteAsync(LoadedInstance s, ExecutionRecord exec, FlowNode node)
    {
        if (node.MultiInstance is not null && !exec.IsMultiInstanceRoot && exec.LoopCounter is null)
        {
            StartMultiInstance(s, exec, node);
            return;
        }
        switch (node)
        {
            case StartEvent:
                await LeaveAsync(s, exec, node);
                break;
            case EndEvent end:
                await EndEventAsync(s, exec, end);
                break;
            case UserTask task:
                exec.State = ExecutionState.Waiting;
                CreateTask(s, exec, task);
                if (exec.LoopCounter is null) CreateBoundaryTimers(s, exec, node);
                break;
            case ServiceTask service:
                await ServiceTaskAsync(s, exec, service);
                break;
            case Gateway gateway:
                await GatewayAsync(s, exec, gateway);
                break;
            case IntermediateCatchEvent catchEvent:
                exec.State = ExecutionState.Waiting;
                if (catchEvent.Timer is not null)
                    CreateTimerJob(s, exec, catchEvent, catchEvent.Timer, JobKind.IntermediateTimer);
                else
                    s.AddSubscription(AddSubscription(s, exec, catchEvent.Id, catchEvent.MessageName!));
                break;
            case SubProcess sub:
                exec.State = ExecutionState.Waiting;
                CreateBoundaryTimers(s, exec, node);
                var inner = NewExecution(s, exec.Id, sub.Body.NoneStart!.Id);
                Schedule(() => EnterAsync(s, inner, sub.Body.NoneStart!));
                break;
            case CallActivity call:
                exec.State = ExecutionState.Waiting;
                if (exec.LoopCounter is null) CreateBoundaryTimers(s, exec, node);
                await StartCalledInstanceAsync(s, exec, call);
                break;
            case BoundaryEvent:
                await LeaveAsync(s, exec, node);
                break;
            default:
                throw new WorkflowException($"{node} ne peut pas être exécuté.");
        }
    }

    private void CreateTask(LoadedInstance s, ExecutionRecord exec, UserTask node)
    {
        var vars = s.VisibleVariables(exec);
        DateTimeOffset? Due(string? attribute)
        {
            var text = TaskAttributes.Text(attribute, vars);
            if (text is null) return null;
            return IsoTime.DueFrom(text, now) ?? throw new WorkflowException($"{node} : échéance illisible « {text} ».");
        }
        var task = new UserTaskRecord
        {
            Id = Guid.CreateVersion7(), InstanceId = s.Instance.Id, ExecutionId = exec.Id,
            ProcessKey = s.Instance.DefinitionKey, BusinessKey = s.Instance.BusinessKey,
            ElementId = node.Id, Name = node.Name, Assignee = TaskAttributes.Text(node.Assignee, vars),
            CandidateGroups = TaskAttributes.List(node.CandidateGroups, vars),
            CandidateUsers = TaskAttributes.List(node.CandidateUsers, vars),
            DueAt = Due(node.DueDate), FollowUpAt = Due(node.FollowUpDate),
            Priority = TaskAttributes.Priority(node, vars),
            FormKey = node.FormKey, FormFieldsJson = TaskAttributes.FormFields(node),
            State = UserTaskState.Open, CreatedAt = now,
        };
        if (task.Assignee is not null) task.ClaimedAt = now;
        store.Add(task);
        s.Tasks.Add(task);
        History(s, HistoryTypes.TaskCreated, node, new JsonObject
        {
            ["assignee"] = task.Assignee,
            ["candidateGroups"] = new JsonArray(task.CandidateGroups.Select(g => (JsonNode?)g).ToArray()),
            ["dueAt"] = task.DueAt?.ToString("O"),
        }, task.Id);
    }

    private async ValueTask ServiceTaskAsync(LoadedInstance s, ExecutionRecord exec, ServiceTask node)
    {
        var vars = s.VisibleVariables(exec);
        var input = new JsonObject();
        foreach (var (name, value) in vars) input[name] = value?.DeepClone();
        foreach (var mapping in node.Inputs)
            input[mapping.Name] = mapping.Value is null ? null : ScriptEvaluator.EvaluateAttribute(mapping.Value, vars)?.DeepClone();
        IReadOnlyDictionary<string, JsonNode?> output;
        try
        {
            output = await services.InvokeAsync(node.Topic, input,
                new ServiceTaskContext(s.Instance.Id, s.Instance.DefinitionKey, s.Instance.BusinessKey, node.Id), ct);
        }
        catch (BpmnErrorException error)
        {
            History(s, HistoryTypes.ErrorThrown, node, new JsonObject { ["errorCode"] = error.ErrorCode, ["message"] = error.Message });
            if (!await ThrowErrorAsync(s, exec, error.ErrorCode, fromActivity: node))
                throw new WorkflowException($"« {node.DisplayName} » : l'erreur métier « {error.ErrorCode} » n'est interceptée par aucun événement : {error.Message}", error);
            return;
        }
        catch (Exception error) when (error is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A technical failure: the step is rolled back; from a job, it is retried and then becomes an incident.
            throw new WorkflowException($"« {node.DisplayName} » : le traitement « {node.Topic} » a échoué : {error.Message}", error);
        }
        if (node.Outputs.Count > 0)
        {
            var outVars = new Dictionary<string, JsonNode?>(vars);
            foreach (var (name, value) in output) outVars[name] = value;
            foreach (var mapping in node.Outputs)
                SetVariable(s, exec, mapping.Name, mapping.Value is null ? null : ScriptEvaluator.EvaluateAttribute(mapping.Value, outVars));
        }
        else
            foreach (var (name, value) in output) SetVariable(s, exec, name, value);
        await LeaveAsync(s, exec, node);
    }

    private async ValueTask StartCalledInstanceAsync(LoadedInstance s, ExecutionRecord exec, CallActivity node)
    {
        var (definition, model) = await definitions.GetLatestAsync(node.CalledElement, store, ct)
                                  ?? throw new WorkflowException($"{node} : le processus appelé « {node.CalledElement} » n'est pas déployé.");
        var start = model.Root.NoneStart
                    ?? throw new WorkflowException($"{node} : le processus appelé « {node.CalledElement} » n'a pas de début simple.");
        var vars = s.VisibleVariables(exec);
        var passed = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (node.InAll)
            foreach (var (k, v) in vars) passed[k] = v?.DeepClone();
        foreach (var (source, target) in node.In)
            passed[target] = ScriptEvaluator.IsExpression(source)
                ? ScriptEvaluator.EvaluateAttribute(source, vars)
                : vars.GetValueOrDefault(source)?.DeepClone();
        StartInstance(definition, model, start, s.Instance.BusinessKey, passed, s.Instance.Id, exec.Id);
    }

    // ---------------------------------------------------------------- gateways

    private async ValueTask GatewayAsync(LoadedInstance s, ExecutionRecord exec, Gateway gateway)
    {
        if (gateway.Kind != GatewayKind.Exclusive && gateway.Incoming.Count > 1)
        {
            exec.State = ExecutionState.Joining;
            if (!await TryJoinAsync(s, exec, gateway)) return;
        }
        var vars = s.VisibleVariables(exec);
        IReadOnlyList<SequenceFlow> chosen;
        switch (gateway.Kind)
        {
            case GatewayKind.Parallel:
                chosen = gateway.Outgoing;
                break;
            case GatewayKind.Exclusive:
            {
                var flow = gateway.Outgoing.FirstOrDefault(f => f.Id != gateway.DefaultFlowId && Holds(f, vars))
                           ?? gateway.Outgoing.FirstOrDefault(f => f.Id == gateway.DefaultFlowId);
                chosen = flow is null ? [] : [flow];
                break;
            }
            default:
            {
                var taken = gateway.Outgoing.Where(f => f.Id != gateway.DefaultFlowId && Holds(f, vars)).ToList();
                if (taken.Count == 0 && gateway.Outgoing.FirstOrDefault(f => f.Id == gateway.DefaultFlowId) is { } def) taken.Add(def);
                chosen = taken;
                break;
            }
        }
        if (chosen.Count == 0)
            throw new WorkflowException($"{gateway} : aucune condition de sortie n'est vraie et il n'y a pas de flux par défaut.");
        await LeaveAsync(s, exec, gateway, chosen);
    }

    private static bool Holds(SequenceFlow flow, IReadOnlyDictionary<string, JsonNode?> vars) =>
        flow.Condition is null || ScriptEvaluator.EvaluateCondition(flow.Condition.Source, vars);

    /// <summary>
    /// A token arrived at a joining gateway. Parallel: fires when a token came through every incoming flow.
    /// Inclusive: fires when no other token of the scope can still reach the gateway. The survivor goes on.
    /// </summary>
    private async ValueTask<bool> TryJoinAsync(LoadedInstance s, ExecutionRecord exec, Gateway gateway)
    {
        var waiting = s.Children(exec.ParentId).Where(e => e.ActivityId == gateway.Id && e.State == ExecutionState.Joining).ToList();
        bool fire;
        if (gateway.Kind == GatewayKind.Parallel)
        {
            var arrived = waiting.Select(e => e.ArrivedVia).Distinct().Count();
            fire = arrived >= gateway.Incoming.Count;
            if (fire)
            {
                // Keep one token per incoming flow for this firing; extra tokens wait for the next one.
                waiting = waiting.GroupBy(e => e.ArrivedVia).Select(g => g.OrderBy(e => e.EnteredAt).First()).ToList();
            }
        }
        else
        {
            fire = !s.Children(exec.ParentId).Any(e => e.State != ExecutionState.Joining || e.ActivityId != gateway.Id
                ? e.ActivityId is { } at && e.ActivityId != gateway.Id && CanReach(s.Model, s.Model.Node(at), gateway)
                : false);
        }
        if (!fire) return false;
        foreach (var other in waiting.Where(e => e.Id != exec.Id))
            await RemoveExecutionAsync(s, other);
        exec.State = ExecutionState.Active;
        exec.ArrivedVia = null;
        return true;
    }

    private static bool CanReach(ProcessModel model, FlowNode from, FlowNode target)
    {
        var seen = new HashSet<FlowNode>();
        var queue = new Queue<FlowNode>([from]);
        while (queue.TryDequeue(out var n))
        {
            if (!seen.Add(n)) continue;
            foreach (var f in n.Outgoing)
            {
                if (f.Target == target) return true;
                queue.Enqueue(f.Target);
            }
            foreach (var b in n.Boundaries) queue.Enqueue(b);
        }
        return false;
    }

    /// <summary>After a token of a scope ended or started waiting elsewhere, an inclusive join may now fire.</summary>
    private async ValueTask ReevaluateInclusiveJoinsAsync(LoadedInstance s, Guid? scopeId)
    {
        var joining = s.Children(scopeId)
            .Where(e => e.State == ExecutionState.Joining && e.ActivityId is { } a && s.Model.Node(a) is Gateway { Kind: GatewayKind.Inclusive })
            .GroupBy(e => e.ActivityId).Select(g => g.First()).ToList();
        foreach (var token in joining)
        {
            var gateway = (Gateway)s.Model.Node(token.ActivityId!);
            if (s.Executions.Contains(token) && await TryJoinAsync(s, token, gateway))
            {
                var vars = s.VisibleVariables(token);
                var taken = gateway.Outgoing.Where(f => f.Id != gateway.DefaultFlowId && Holds(f, vars)).ToList();
                if (taken.Count == 0 && gateway.Outgoing.FirstOrDefault(f => f.Id == gateway.DefaultFlowId) is { } def) taken.Add(def);
                if (taken.Count == 0)
                    throw new WorkflowException($"{gateway} : aucune condition de sortie n'est vraie et il n'y a pas de flux par défaut.");
                Schedule(() => LeaveAsync(s, token, gateway, taken));
            }
        }
    }

    // ---------------------------------------------------------------- leaving

    public async ValueTask LeaveAsync(LoadedInstance s, ExecutionRecord exec, FlowNode node, IReadOnlyList<SequenceFlow>? flows = null)
    {
        History(s, HistoryTypes.ElementLeft, node);
        await RemoveBoundaryJobsAsync(s, exec, node);
        if (node.MultiInstance is not null && exec.LoopCounter is not null)
        {
            await MultiInstanceChildDoneAsync(s, exec, node);
            return;
        }
        if (exec.IsMultiInstanceRoot || node is SubProcess)
        {
            exec.IsMultiInstanceRoot = false;
            RemoveLocalVariables(s, exec);
        }
        if (flows is null)
        {
            var vars = node.Outgoing.Any(f => f.Condition is not null) ? s.VisibleVariables(exec) : null;
            flows = node.Outgoing.Where(f => f.Condition is null || Holds(f, vars!)).ToList();
        }
        if (flows.Count == 0)
        {
            await EndTokenAsync(s, exec);
            return;
        }
        for (var i = 0; i < flows.Count; i++)
        {
            var flow = flows[i];
            var token = i == 0 ? exec : NewExecution(s, exec.ParentId, flow.Target.Id);
            token.ArrivedVia = flow.Id;
            Schedule(() => EnterAsync(s, token, flow.Target));
        }
    }

    private async ValueTask EndEventAsync(LoadedInstance s, ExecutionRecord exec, EndEvent end)
    {
        History(s, HistoryTypes.ElementLeft, end);
        switch (end.Kind)
        {
            case EndEventKind.Terminate:
                if (exec.ParentId is null)
                {
                    foreach (var other in s.Children(null).ToList()) await CancelExecutionAsync(s, other, removeTree: true);
                    await CompleteInstanceAsync(s, terminated: true);
                }
                else
                {
                    // Ends the sub-process: every token in it goes, then the sub-process is left normally.
                    var scope = s.Execution(exec.ParentId.Value);
                    foreach (var child in s.Children(scope.Id).ToList()) await CancelExecutionAsync(s, child, removeTree: true);
                    await CompleteScopeAsync(s, scope.Id);
                }
                return;
            case EndEventKind.Error:
                History(s, HistoryTypes.ErrorThrown, end, new JsonObject { ["errorCode"] = end.ErrorCode });
                if (await ThrowErrorAsync(s, exec, end.ErrorCode, fromActivity: null)) return;
                break; // not caught: ends like a none end event
        }
        await EndTokenAsync(s, exec);
    }

    private async ValueTask EndTokenAsync(LoadedInstance s, ExecutionRecord exec)
    {
        var scopeId = exec.ParentId;
        await RemoveExecutionAsync(s, exec);
        await CompleteScopeAsync(s, scopeId);
    }

    /// <summary>If no token is left in the scope, the scope (sub-process or process) is done.</summary>
    private async ValueTask CompleteScopeAsync(LoadedInstance s, Guid? scopeId)
    {
        if (s.Children(scopeId).Any())
        {
            await ReevaluateInclusiveJoinsAsync(s, scopeId);
            return;
        }
        if (scopeId is null)
        {
            await CompleteInstanceAsync(s, terminated: false);
            return;
        }
        var scope = s.Execution(scopeId.Value);
        Schedule(() => LeaveAsync(s, scope, s.Model.Node(scope.ActivityId!)));
    }

    private async ValueTask CompleteInstanceAsync(LoadedInstance s, bool terminated)
    {
        s.Instance.State = terminated ? InstanceState.Terminated : InstanceState.Completed;
        s.Instance.EndedAt = now;
        foreach (var sub in (await s.SubscriptionsAsync(ct)).ToList()) store.Remove(sub);
        foreach (var job in (await s.JobsAsync(ct)).ToList()) store.Remove(job);
        History(s, terminated ? HistoryTypes.InstanceTerminated : HistoryTypes.InstanceCompleted, null);
        if (s.Instance.ParentInstanceId is { } parentId && s.Instance.ParentExecutionId is { } parentExecutionId)
        {
            var childVars = s.VisibleVariables(null);
            var parent = await LoadAsync(parentId);
            var exec = parent.Execution(parentExecutionId);
            var call = (CallActivity)parent.Model.Node(exec.ActivityId!);
            if (call.OutAll)
                foreach (var (k, v) in childVars) SetVariable(parent, exec, k, v?.DeepClone());
            foreach (var (source, target) in call.Out)
                SetVariable(parent, exec, target, ScriptEvaluator.IsExpression(source)
                    ? ScriptEvaluator.EvaluateAttribute(source, childVars)
                    : childVars.GetValueOrDefault(source)?.DeepClone());
            Schedule(() => LeaveAsync(parent, exec, call));
        }
    }

    // ---------------------------------------------------------------- errors and boundary events

    /// <summary>
    /// Looks for an error boundary event catching <paramref name="errorCode"/>: on the activity that threw, then on each
    /// enclosing sub-process, then on the call activity of a calling instance (whose called instance is then cancelled).
    /// True if one caught it.
    /// </summary>
    private async ValueTask<bool> ThrowErrorAsync(LoadedInstance s, ExecutionRecord exec, string? errorCode, FlowNode? fromActivity)
    {
        var state = s;
        var crossed = new List<LoadedInstance>();
        // the activity that threw (a service task), or for an error end event, the scope around it
        ExecutionRecord? current = fromActivity is not null ? exec
            : exec.ParentId is { } p ? s.Execution(p) : null;
        while (true)
        {
            while (current is not null)
            {
                var activity = state.Model.Node(current.ActivityId!);
                // a multi-instance child's boundary events belong to the multi-instance root
                if (current.LoopCounter is not null && activity.MultiInstance is not null && current.ParentId is { } root)
                    current = state.Execution(root);
                var boundary = activity.Boundaries.FirstOrDefault(b => b.IsError && (b.ErrorCode is null || b.ErrorCode == errorCode));
                if (boundary is not null)
                {
                    foreach (var child in crossed)
                        await CancelWholeInstanceAsync(child, InstanceState.Cancelled, $"Erreur « {errorCode} » remontée à l'appelant");
                    await InterruptAsync(state, current, boundary);
                    return true;
                }
                current = current.ParentId is { } parentScope ? state.Execution(parentScope) : null;
            }
            if (state.Instance.ParentInstanceId is not { } parentId || state.Instance.ParentExecutionId is not { } parentExec)
                return false;
            crossed.Add(state);
            state = await LoadAsync(parentId);
            current = state.Execution(parentExec);
        }
    }

    /// <summary>An interrupting boundary event fired: the activity is cancelled and the token leaves by the event.</summary>
    private async ValueTask InterruptAsync(LoadedInstance s, ExecutionRecord exec, BoundaryEvent boundary)
    {
        await CancelExecutionAsync(s, exec, removeTree: false, keepSelf: true);
        exec.ActivityId = boundary.Id;
        exec.State = ExecutionState.Active;
        exec.IsMultiInstanceRoot = false;
        RemoveLocalVariables(s, exec);
        History(s, HistoryTypes.ElementEntered, boundary);
        Schedule(() => LeaveAsync(s, exec, boundary));
    }

    public async ValueTask FireBoundaryTimerAsync(LoadedInstance s, ExecutionRecord exec, BoundaryEvent boundary)
    {
        if (boundary.CancelActivity)
        {
            await InterruptAsync(s, exec, boundary);
            return;
        }
        var token = NewExecution(s, exec.ParentId, boundary.Id);
        History(s, HistoryTypes.ElementEntered, boundary);
        Schedule(() => LeaveAsync(s, token, boundary));
    }

    private void CreateBoundaryTimers(LoadedInstance s, ExecutionRecord exec, FlowNode node)
    {
        foreach (var boundary in node.Boundaries.Where(b => b.Timer is not null))
            CreateTimerJob(s, exec, boundary, boundary.Timer!, JobKind.BoundaryTimer);
    }

    private void CreateTimerJob(LoadedInstance s, ExecutionRecord exec, FlowNode node, TimerDefinition timer, JobKind kind)
    {
        var (due, repeats, interval) = TimerSchedule.First(timer, now, s.VisibleVariables(exec));
        AddJob(s, new JobRecord
        {
            Kind = kind, ElementId = node.Id, ExecutionId = exec.Id, DueAt = due,
            RepeatsLeft = repeats, RepeatInterval = interval, Retries = node.RetryCycle?.Tries ?? options.DefaultRetries,
        });
    }

    /// <summary>
    /// Removes the boundary timer jobs of an execution leaving <paramref name="node"/>. Only an activity with timer
    /// boundary events creates them (for the token waiting at it: user task, sub-process, call activity, multi-instance
    /// root), and its token leaves it here or is cancelled (which removes all its jobs): for any other node there is
    /// nothing to remove, and the instance's jobs are not read.
    /// </summary>
    private async ValueTask RemoveBoundaryJobsAsync(LoadedInstance s, ExecutionRecord exec, FlowNode node)
    {
        if (!node.Boundaries.Any(b => b.Timer is not null)) return;
        var jobs = await s.JobsAsync(ct);
        foreach (var job in jobs.Where(j => j.ExecutionId == exec.Id && j.Kind == JobKind.BoundaryTimer).ToList())
        {
            jobs.Remove(job);
            store.Remove(job);
        }
    }

    // ---------------------------------------------------------------- multi-instance

    private void StartMultiInstance(LoadedInstance s, ExecutionRecord exec, FlowNode node)
    {
        var mi = node.MultiInstance!;
        var vars = s.VisibleVariables(exec);
        JsonArray items;
        if (mi.Collection is { } collection)
        {
            var value = ScriptEvaluator.IsExpression(collection) ? ScriptEvaluator.EvaluateAttribute(collection, vars) : vars.GetValueOrDefault(collection);
            items = value as JsonArray ?? throw new WorkflowException($"{node} : la collection « {collection} » n'est pas une liste.");
        }
        else
        {
            var count = ScriptEvaluator.EvaluateAttribute(mi.LoopCardinality!, vars);
            if (!int.TryParse(VariableValues.AsString(count), out var n) || n < 0)
                throw new WorkflowException($"{node} : nombre d'instances illisible « {mi.LoopCardinality} ».");
            items = new JsonArray(Enumerable.Range(0, n).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
        }
        exec.IsMultiInstanceRoot = true;
        exec.State = ExecutionState.Waiting;
        SetLocal(s, exec, "nrOfInstances", items.Count);
        SetLocal(s, exec, "nrOfCompletedInstances", 0);
        SetLocal(s, exec, "nrOfActiveInstances", mi.IsSequential ? Math.Min(1, items.Count) : items.Count);
        SetLocal(s, exec, "miItems", items);
        CreateBoundaryTimers(s, exec, node);
        if (items.Count == 0)
        {
            Schedule(() => LeaveAsync(s, exec, node));
            return;
        }
        var first = mi.IsSequential ? 1 : items.Count;
        for (var i = 0; i < first; i++) StartMultiInstanceChild(s, exec, node, items, i);
    }

    private void StartMultiInstanceChild(LoadedInstance s, ExecutionRecord root, FlowNode node, JsonArray items, int index)
    {
        var child = NewExecution(s, root.Id, node.Id);
        child.LoopCounter = index;
        SetLocal(s, child, "loopCounter", index);
        if (node.MultiInstance!.ElementVariable is { } name) SetLocal(s, child, name, items[index]?.DeepClone());
        Schedule(() => ExecuteAsync(s, child, node));
    }

    private async ValueTask MultiInstanceChildDoneAsync(LoadedInstance s, ExecutionRecord child, FlowNode node)
    {
        var mi = node.MultiInstance!;
        var root = s.Execution(child.ParentId!.Value);
        var childVars = s.VisibleVariables(child);
        await RemoveExecutionAsync(s, child);
        var vars = s.VisibleVariables(root);
        var total = vars["nrOfInstances"]!.GetValue<int>();
        var completed = vars["nrOfCompletedInstances"]!.GetValue<int>() + 1;
        SetLocal(s, root, "nrOfCompletedInstances", completed);
        var active = s.Children(root.Id).Count();
        SetLocal(s, root, "nrOfActiveInstances", active);
        childVars["nrOfCompletedInstances"] = completed;
        childVars["nrOfActiveInstances"] = active;
        var done = completed >= total
                   || (mi.CompletionCondition is { } condition && ScriptEvaluator.EvaluateCondition(condition.Source, childVars));
        if (done)
        {
            foreach (var other in s.Children(root.Id).ToList()) await CancelExecutionAsync(s, other, removeTree: true);
            Schedule(() => LeaveAsync(s, root, node));
        }
        else if (mi.IsSequential)
        {
            SetLocal(s, root, "nrOfActiveInstances", 1);
            StartMultiInstanceChild(s, root, node, (JsonArray)vars["miItems"]!, completed);
        }
    }

    // ---------------------------------------------------------------- cancelling

    /// <summary>
    /// Cancels what an execution is doing: its open tasks, jobs, subscriptions, child tokens and called instances.
    /// With <paramref name="removeTree"/>, the execution itself is removed too.
    /// </summary>
    public async ValueTask CancelExecutionAsync(LoadedInstance s, ExecutionRecord exec, bool removeTree, bool keepSelf = false)
    {
        foreach (var child in s.Children(exec.Id).ToList()) await CancelExecutionAsync(s, child, removeTree: true);
        foreach (var task in s.Tasks.Where(t => t.ExecutionId == exec.Id).ToList())
        {
            task.State = UserTaskState.Cancelled;
            task.CompletedAt = now;
            task.Revision++;
            s.Tasks.Remove(task);
            History(s, HistoryTypes.TaskCancelled, s.Model.Nodes.GetValueOrDefault(task.ElementId), null, task.Id);
        }
        var jobs = await s.JobsAsync(ct);
        foreach (var job in jobs.Where(j => j.ExecutionId == exec.Id).ToList())
        {
            jobs.Remove(job);
            store.Remove(job);
        }
        var subs = await s.SubscriptionsAsync(ct);
        foreach (var sub in subs.Where(x => x.ExecutionId == exec.Id).ToList())
        {
            subs.Remove(sub);
            store.Remove(sub);
        }
        if (exec.ActivityId is { } activity && s.Model.Nodes.GetValueOrDefault(activity) is CallActivity)
        {
            foreach (var calledId in await CalledInstancesAsync(exec.Id))
            {
                var called = await LoadAsync(calledId);
                await CancelWholeInstanceAsync(called, InstanceState.Cancelled, "Activité appelante annulée");
            }
        }
        if (exec.ActivityId is { } a && !keepSelf)
            History(s, HistoryTypes.ElementCancelled, s.Model.Nodes.GetValueOrDefault(a));
        if (removeTree && !keepSelf) await RemoveExecutionAsync(s, exec);
    }

    private async ValueTask<List<Guid>> CalledInstancesAsync(Guid executionId)
    {
        var inStep = _instances.Values.Where(i => i.Instance.ParentExecutionId == executionId && i.Instance.State == InstanceState.Running)
            .Select(i => i.Instance.Id);
        var stored = await store.FindCalledInstancesAsync(executionId, ct);
        return inStep.Concat(stored).Distinct()
            .Where(id => !_instances.TryGetValue(id, out var i) || i.Instance.State == InstanceState.Running).ToList();
    }

    public async ValueTask CancelWholeInstanceAsync(LoadedInstance s, InstanceState endState, string reason)
    {
        foreach (var exec in s.Children(null).ToList()) await CancelExecutionAsync(s, exec, removeTree: true);
        foreach (var job in (await s.JobsAsync(ct)).ToList()) store.Remove(job);
        foreach (var sub in (await s.SubscriptionsAsync(ct)).ToList()) store.Remove(sub);
        s.Instance.State = endState;
        s.Instance.EndedAt = now;
        s.Instance.EndReason = reason;
        History(s, HistoryTypes.InstanceCancelled, null, new JsonObject { ["reason"] = reason });
    }

    // ---------------------------------------------------------------- records

    public ExecutionRecord NewExecution(LoadedInstance s, Guid? parentId, string? activityId)
    {
        var exec = new ExecutionRecord
        {
            Id = Guid.CreateVersion7(), InstanceId = s.Instance.Id, ParentId = parentId, ActivityId = activityId,
            State = ExecutionState.Active, EnteredAt = now,
        };
        store.Add(exec);
        s.Executions.Add(exec);
        return exec;
    }

    private async ValueTask RemoveExecutionAsync(LoadedInstance s, ExecutionRecord exec)
    {
        foreach (var child in s.Children(exec.Id).ToList()) await RemoveExecutionAsync(s, child);
        RemoveLocalVariables(s, exec);
        s.Executions.Remove(exec);
        store.Remove(exec);
    }

    private void RemoveLocalVariables(LoadedInstance s, ExecutionRecord exec)
    {
        foreach (var v in s.Variables.Where(v => v.ExecutionId == exec.Id).ToList())
        {
            s.Variables.Remove(v);
            store.Remove(v);
        }
    }

    public void SetVariable(LoadedInstance s, ExecutionRecord? exec, string name, JsonNode? value)
    {
        var existing = s.Find(name, exec);
        if (existing is null) AddVariable(s, null, name, value);
        else Write(existing, value);
        History(s, HistoryTypes.VariableSet, null, new JsonObject { ["name"] = name, ["value"] = value?.DeepClone() });
    }

    private void SetLocal(LoadedInstance s, ExecutionRecord exec, string name, object? value)
    {
        var node = VariableValues.ToNode(value);
        var existing = s.Variables.FirstOrDefault(v => v.ExecutionId == exec.Id && v.Name == name);
        if (existing is null) AddVariable(s, exec.Id, name, node);
        else Write(existing, node);
    }

    private void AddVariable(LoadedInstance s, Guid? executionId, string name, JsonNode? value)
    {
        var v = new VariableRecord
        {
            Id = Guid.CreateVersion7(), InstanceId = s.Instance.Id, ExecutionId = executionId, Name = name,
            Type = VariableValues.TypeOf(value), Json = value?.ToJsonString() ?? "null",
        };
        store.Add(v);
        s.Variables.Add(v);
    }

    private static void Write(VariableRecord v, JsonNode? value)
    {
        v.Type = VariableValues.TypeOf(value);
        v.Json = value?.ToJsonString() ?? "null";
    }

    private void AddJob(LoadedInstance s, JobRecord job)
    {
        job.Id = Guid.CreateVersion7();
        job.InstanceId = s.Instance.Id;
        job.CreatedAt = now;
        store.Add(job);
        s.AddJob(job);
        NoteJob(job.DueAt);
    }

    public void NoteJob(DateTimeOffset due)
    {
        if (EarliestNewJob is null || due < EarliestNewJob) EarliestNewJob = due;
    }

    private MessageSubscriptionRecord AddSubscription(LoadedInstance s, ExecutionRecord exec, string elementId, string messageName)
    {
        var sub = new MessageSubscriptionRecord
        {
            Id = Guid.CreateVersion7(), MessageName = messageName, InstanceId = s.Instance.Id, ExecutionId = exec.Id,
            BusinessKey = s.Instance.BusinessKey, ElementId = elementId, CreatedAt = now,
        };
        store.Add(sub);
        return sub;
    }

    public void History(LoadedInstance s, string type, FlowNode? node, JsonObject? data = null, Guid? taskId = null) =>
        store.Add(new HistoryEventRecord
        {
            InstanceId = s.Instance.Id, At = now, Type = type, ElementId = node?.Id, ElementType = node?.ElementType,
            ElementName = node?.Name, TaskId = taskId, UserId = user, Data = data?.ToJsonString(),
        });
}

internal static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
