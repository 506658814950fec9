using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plie.Workflow.Model;
using Plie.Workflow.Parsing;
using Plie.Workflow.Ports;

namespace Plie.Workflow.Runtime.DryRun;

/// <summary>
/// Starts dry-run sessions with the application's catalogues (topics are checked, never called) and the published
/// processes the model calls (read once, at the start; the session writes nowhere but in memory).
/// </summary>
public sealed class DryRunFactory(ITopicCatalog topics, IFormCatalog forms, TimeProvider clock, ILoggerFactory loggers,
    IServiceScopeFactory scopes)
{
    /// <summary>A new session on <paramref name="xml"/>; throws <see cref="WorkflowValidationException"/> for an invalid model.</summary>
    public async Task<DryRunSession> CreateAsync(string xml, CancellationToken ct = default) =>
        await DryRunSession.CreateAsync(xml, topics, forms, clock, loggers, await CalledProcessesAsync(xml, ct), ct);

    /// <summary>
    /// The latest published version of every process the model calls (call activities), and of those they call, by key
    /// — but not the model's own key, which is the model itself.
    /// </summary>
    private async Task<IReadOnlyList<string>> CalledProcessesAsync(string xml, CancellationToken ct)
    {
        var root = BpmnParser.Parse(xml).Model;
        if (root is null) return [];
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetService<IWorkflowStore>();
        if (store is null) return [];
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new Queue<ProcessModel>([root]);
        while (pending.TryDequeue(out var model))
        {
            foreach (var key in Calls(model).Where(k => k != root.Id && !found.ContainsKey(k)))
            {
                if (await store.GetLatestDefinitionAsync(key, ct) is not { } definition) continue;
                found[key] = definition.Xml;
                if (BpmnParser.Parse(definition.Xml).Model is { } called) pending.Enqueue(called);
            }
        }
        return [.. found.Values];
    }

    private static IEnumerable<string> Calls(ProcessModel model) =>
        model.Nodes.Values.OfType<CallActivity>().Select(c => c.CalledElement).Distinct();
}
