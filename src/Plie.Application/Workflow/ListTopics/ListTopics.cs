using Mediator;
using Plie.Workflow.Ports;

namespace Plie.Application.Workflow.ListTopics;

/// <summary>The service-task catalogue: what a BPMN service task may call (camunda:topic), with its inputs and outputs.</summary>
public sealed record ListTopicsQuery : IQuery<IReadOnlyList<TopicDescriptor>>;

public sealed class ListTopicsHandler(ITopicCatalog catalog) : IQueryHandler<ListTopicsQuery, IReadOnlyList<TopicDescriptor>>
{
    public ValueTask<IReadOnlyList<TopicDescriptor>> Handle(ListTopicsQuery query, CancellationToken ct) =>
        ValueTask.FromResult(catalog.Topics);
}
