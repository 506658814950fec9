using Microsoft.Extensions.Logging;
using Plie.Workflow.Ports;

namespace Plie.Workflow.Runtime.DryRun;

/// <summary>Starts dry-run sessions with the application's catalogues (topics are checked, never called).</summary>
public sealed class DryRunFactory(ITopicCatalog topics, IFormCatalog forms, TimeProvider clock, ILoggerFactory loggers)
{
    /// <summary>A new session on <paramref name="xml"/>; throws <see cref="WorkflowValidationException"/> for an invalid model.</summary>
    public Task<DryRunSession> CreateAsync(string xml, CancellationToken ct = default) =>
        DryRunSession.CreateAsync(xml, topics, forms, clock, loggers, ct);
}
