using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow.Runtime;

namespace Plie.Application.Workflow.ListDefinitions;

/// <summary>The deployed processes: for each key, its latest version and every version with its running instances.</summary>
public sealed record ListDefinitionsQuery : IQuery<IReadOnlyList<DefinitionSummary>>;

/// <param name="RunningInstances">Running instances, all versions together.</param>
/// <param name="Versions">Newest first.</param>
public sealed record DefinitionSummary(
    string Key,
    string? Name,
    int LatestVersion,
    Guid LatestId,
    int RunningInstances,
    IReadOnlyList<DefinitionVersion> Versions);

public sealed record DefinitionVersion(Guid Id, int Version, string? Name, DateTimeOffset DeployedAt, string? DeployedBy,
    int RunningInstances);

public sealed class ListDefinitionsHandler(IPlieDbContext db) : IQueryHandler<ListDefinitionsQuery, IReadOnlyList<DefinitionSummary>>
{
    public async ValueTask<IReadOnlyList<DefinitionSummary>> Handle(ListDefinitionsQuery query, CancellationToken ct)
    {
        // Not the XML: it can be large and the list does not need it.
        var versions = await db.ProcessDefinitions.AsNoTracking()
            .Select(d => new { d.Id, d.Key, d.Version, d.Name, d.DeployedAt, d.DeployedBy })
            .ToListAsync(ct);
        var running = await db.ProcessInstances.AsNoTracking()
            .Where(i => i.State == InstanceState.Running)
            .GroupBy(i => i.DefinitionId)
            .Select(g => new { DefinitionId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.DefinitionId, x => x.Count, ct);

        return versions
            .GroupBy(d => d.Key)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var list = g.OrderByDescending(d => d.Version)
                    .Select(d => new DefinitionVersion(d.Id, d.Version, d.Name, d.DeployedAt, d.DeployedBy,
                        running.GetValueOrDefault(d.Id)))
                    .ToList();
                var latest = list[0];
                return new DefinitionSummary(g.Key, latest.Name, latest.Version, latest.Id, list.Sum(v => v.RunningInstances), list);
            })
            .ToList();
    }
}
