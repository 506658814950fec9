namespace Plie.Workflow.Model;

/// <summary>An executable BPMN process, parsed from XML. Immutable once built; cached per definition version.</summary>
public sealed class ProcessModel
{
    public ProcessModel(string id, string? name, FlowScope root, IReadOnlyDictionary<string, FlowNode> nodes,
        IReadOnlyDictionary<string, SequenceFlow> flows)
    {
        Id = id;
        Name = name;
        Root = root;
        Nodes = nodes;
        Flows = flows;
    }

    public string Id { get; }
    public string? Name { get; }
    public FlowScope Root { get; }
    /// <summary>Every flow node of the process, sub-processes included, by id.</summary>
    public IReadOnlyDictionary<string, FlowNode> Nodes { get; }
    public IReadOnlyDictionary<string, SequenceFlow> Flows { get; }

    public FlowNode Node(string id) =>
        Nodes.TryGetValue(id, out var node) ? node : throw new WorkflowException($"Element '{id}' does not exist in process '{Id}'.");

    public IEnumerable<StartEvent> TimerStartEvents => Root.Nodes.OfType<StartEvent>().Where(s => s.Timer is not null);
    public IEnumerable<StartEvent> MessageStartEvents => Root.Nodes.OfType<StartEvent>().Where(s => s.MessageName is not null);
}

/// <summary>A container of flow nodes: the process itself or an embedded sub-process.</summary>
public sealed class FlowScope
{
    public FlowScope(SubProcess? owner) => Owner = owner;

    /// <summary>The sub-process this scope is the body of; null for the process.</summary>
    public SubProcess? Owner { get; }
    public List<FlowNode> Nodes { get; } = [];

    /// <summary>The start event used when the scope is entered without a trigger (a none start event).</summary>
    public StartEvent? NoneStart => Nodes.OfType<StartEvent>().FirstOrDefault(s => s.Timer is null && s.MessageName is null);
}

public sealed class SequenceFlow
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public required FlowNode Source { get; init; }
    public required FlowNode Target { get; init; }
    /// <summary>JavaScript evaluated by Jint; null for an unconditional flow.</summary>
    public Expression? Condition { get; init; }
}

public abstract class FlowNode
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public required FlowScope Scope { get; init; }
    public List<SequenceFlow> Incoming { get; } = [];
    public List<SequenceFlow> Outgoing { get; } = [];
    public List<BoundaryEvent> Boundaries { get; } = [];
    public bool AsyncBefore { get; init; }
    public RetryCycle? RetryCycle { get; init; }
    public MultiInstance? MultiInstance { get; init; }
    /// <summary>The BPMN element name, e.g. "userTask"; used in history and error messages.</summary>
    public abstract string ElementType { get; }
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Id : Name!;
    public override string ToString() => $"{ElementType} '{Id}'";
}

public sealed class StartEvent : FlowNode
{
    public TimerDefinition? Timer { get; init; }
    public string? MessageName { get; init; }
    public override string ElementType => "startEvent";
}

public enum EndEventKind { None, Terminate, Error }

public sealed class EndEvent : FlowNode
{
    public EndEventKind Kind { get; init; }
    public string? ErrorCode { get; init; }
    public override string ElementType => "endEvent";
}

public sealed class UserTask : FlowNode
{
    public string? Assignee { get; init; }
    public string? CandidateGroups { get; init; }
    public string? CandidateUsers { get; init; }
    public string? DueDate { get; init; }
    public string? FollowUpDate { get; init; }
    public string? Priority { get; init; }
    public string? FormKey { get; init; }
    public IReadOnlyList<FormField> FormFields { get; init; } = [];
    public override string ElementType => "userTask";
}

public sealed record FormField(string Id, string? Label, string Type, bool Required, string? DefaultValue,
    IReadOnlyList<FormFieldOption> Options);

public sealed record FormFieldOption(string Id, string Name);

public sealed class ServiceTask : FlowNode
{
    public required string Topic { get; init; }
    public IReadOnlyList<VariableMapping> Inputs { get; init; } = [];
    public IReadOnlyList<VariableMapping> Outputs { get; init; } = [];
    public override string ElementType => "serviceTask";
}

/// <summary>A camunda:inputParameter / camunda:outputParameter: a name and a value (a literal or an expression).</summary>
public sealed record VariableMapping(string Name, string? Value);

public enum GatewayKind { Exclusive, Parallel, Inclusive }

public sealed class Gateway : FlowNode
{
    public GatewayKind Kind { get; init; }
    public string? DefaultFlowId { get; init; }
    public override string ElementType => Kind switch
    {
        GatewayKind.Exclusive => "exclusiveGateway",
        GatewayKind.Parallel => "parallelGateway",
        _ => "inclusiveGateway",
    };
}

public sealed class IntermediateCatchEvent : FlowNode
{
    public TimerDefinition? Timer { get; init; }
    public string? MessageName { get; init; }
    public override string ElementType => "intermediateCatchEvent";
}

public sealed class BoundaryEvent : FlowNode
{
    public required FlowNode AttachedTo { get; init; }
    public bool CancelActivity { get; init; } = true;
    public TimerDefinition? Timer { get; init; }
    /// <summary>For an error boundary event: the error code caught; null catches every error.</summary>
    public bool IsError { get; init; }
    public string? ErrorCode { get; init; }
    public override string ElementType => "boundaryEvent";
}

public sealed class SubProcess : FlowNode
{
    public SubProcess() => Body = new FlowScope(this);
    public FlowScope Body { get; }
    public override string ElementType => "subProcess";
}

public sealed class CallActivity : FlowNode
{
    public required string CalledElement { get; init; }
    /// <summary>camunda:in mappings (source in the caller → target in the called process). Empty with InAll: every variable.</summary>
    public IReadOnlyList<(string Source, string Target)> In { get; init; } = [];
    public bool InAll { get; init; }
    public IReadOnlyList<(string Source, string Target)> Out { get; init; } = [];
    public bool OutAll { get; init; }
    public override string ElementType => "callActivity";
}

public enum TimerKind { Duration, Date, Cycle }

public sealed record TimerDefinition(TimerKind Kind, string Expression);

public sealed class MultiInstance
{
    public bool IsSequential { get; init; }
    /// <summary>camunda:collection: a variable name or an expression yielding an array.</summary>
    public string? Collection { get; init; }
    public string? ElementVariable { get; init; }
    public string? LoopCardinality { get; init; }
    public Expression? CompletionCondition { get; init; }
}

/// <summary>camunda:failedJobRetryTimeCycle, e.g. R3/PT10S: how many tries and the wait between them.</summary>
public sealed record RetryCycle(int Tries, TimeSpan Interval);

/// <summary>A piece of JavaScript (the body of a condition), already checked to parse.</summary>
public sealed record Expression(string Source);
