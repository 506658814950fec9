using System.Collections.Concurrent;
using Plie.Workflow.Model;
using Plie.Workflow.Parsing;

namespace Plie.Workflow.Runtime;

/// <summary>Parsed models by definition id. A version never changes, so entries never go stale.</summary>
public sealed class DefinitionCache
{
    private readonly ConcurrentDictionary<Guid, ProcessModel> _models = new();

    public ProcessModel Get(ProcessDefinitionRecord definition) =>
        _models.GetOrAdd(definition.Id, static (_, d) => BpmnParser.Parse(d.Xml).Model
            ?? throw new WorkflowException($"La définition {d.Key} v{d.Version} ne se lit plus."), definition);
}
