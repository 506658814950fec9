using System.Text.Json.Nodes;

namespace Plie.Workflow.Ports;

/// <summary>Runs the handler registered for a service task's topic (in Plie: a Mediator request).</summary>
public interface IServiceTaskInvoker
{
    /// <summary>
    /// Calls the handler of <paramref name="topic"/> with the input variables, in its own DI scope but in the current
    /// transaction, and returns the response's properties as variables. Throws <see cref="BpmnErrorException"/> for a
    /// business error, anything else for a technical failure.
    /// </summary>
    Task<IReadOnlyDictionary<string, JsonNode?>> InvokeAsync(string topic, JsonObject input, ServiceTaskContext context,
        CancellationToken ct);
}

public sealed record ServiceTaskContext(Guid InstanceId, string ProcessKey, string? BusinessKey, string ElementId);

/// <summary>What the deploy check asks: which topics and form keys exist.</summary>
public interface ITopicCatalog
{
    bool IsKnown(string topic);
    IReadOnlyList<TopicDescriptor> Topics { get; }
}

public sealed record TopicDescriptor(string Topic, string Description, IReadOnlyList<TopicVariable> Inputs,
    IReadOnlyList<TopicVariable> Outputs);

public sealed record TopicVariable(string Name, string Type, bool Required);

public interface IFormCatalog
{
    /// <summary>False when the form key has no form. A catalogue with no forms at all accepts every key.</summary>
    bool IsKnown(string formKey);

    /// <summary>The forms a user task may name (camunda:formKey), with a label for people; empty when unknown.</summary>
    IReadOnlyList<FormDescriptor> Forms => [];
}

/// <summary>A form of the screens, as the designer's picker shows it.</summary>
public sealed record FormDescriptor(string Key, string Label);
