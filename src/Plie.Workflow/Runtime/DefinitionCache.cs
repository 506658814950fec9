using System.Collections.Concurrent;
using Plie.Workflow.Model;
using Plie.Workflow.Parsing;
using Plie.Workflow.Ports;

namespace Plie.Workflow.Runtime;

/// <summary>
/// Deployed definitions and their parsed models, by definition id. A version never changes, so entries never go stale:
/// a definition is read from the store and parsed once per process.
/// </summary>
public sealed class DefinitionCache
{
    private readonly ConcurrentDictionary<Guid, Entry> _byId = new();

    /// <summary>The model of a definition (parsed the first time).</summary>
    public ProcessModel Get(ProcessDefinitionRecord definition) =>
        (_byId.TryGetValue(definition.Id, out var entry) ? entry : Add(definition)).Model;

    /// <summary>
    /// The definition with this id and its model, or null if there is none. Read from the store only the first time;
    /// the record returned is the cache's own copy, not tracked by any store: read it, don't change it.
    /// </summary>
    public async ValueTask<(ProcessDefinitionRecord Definition, ProcessModel Model)?> GetAsync(Guid id, IWorkflowStore store,
        CancellationToken ct)
    {
        if (!_byId.TryGetValue(id, out var entry))
        {
            if (await store.GetDefinitionAsync(id, ct) is not { } definition) return null;
            entry = Add(definition);
        }
        return (entry.Definition, entry.Model);
    }

    /// <summary>The latest version of a process and its model, or null if none is deployed (its id is read from the store).</summary>
    public async ValueTask<(ProcessDefinitionRecord Definition, ProcessModel Model)?> GetLatestAsync(string key, IWorkflowStore store,
        CancellationToken ct) =>
        await store.FindLatestDefinitionIdAsync(key, ct) is { } id ? await GetAsync(id, store, ct) : null;

    private Entry Add(ProcessDefinitionRecord definition) =>
        _byId.GetOrAdd(definition.Id, static (_, d) => new Entry(
            new ProcessDefinitionRecord
            {
                Id = d.Id, Key = d.Key, Version = d.Version, Name = d.Name, Xml = d.Xml, Hash = d.Hash,
                DeployedAt = d.DeployedAt, DeployedBy = d.DeployedBy,
            },
            BpmnParser.Parse(d.Xml).Model ?? throw new WorkflowException($"La définition {d.Key} v{d.Version} ne se lit plus.")),
            definition);

    private sealed record Entry(ProcessDefinitionRecord Definition, ProcessModel Model);
}
