namespace Plie.Application.Common;

/// <summary>
/// Registers a Mediator request as the handler of BPMN service tasks with <c>camunda:topic="<paramref name="topic"/>"</c>.
/// The request's properties are filled from the process variables of the same name; the response's properties become
/// process variables. The description (French) is shown in the designer's catalogue.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class WorkflowTopicAttribute(string topic, string description) : Attribute
{
    public string Topic { get; } = topic;
    public string Description { get; } = description;
}
