using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow.Runtime;

namespace Plie.Application.Designer.ListProcesses;

/// <summary>
/// The designer's list: every process, deployed or only drafted, with its versions (deployed at/by, running cases of
/// each) and its draft, if any.
/// </summary>
public sealed record ListProcessesQuery : IQuery<IReadOnlyList<ProcessSummary>>;

/// <param name="LatestVersion">Null for a process that has only a draft.</param>
/// <param name="Versions">Newest first.</param>
public sealed record ProcessSummary(string Key, string? Name, int? LatestVersion, int RunningInstances,
    IReadOnlyList<ProcessVersionView> Versions, DraftInfo? Draft);

public sealed record ProcessVersionView(int Version, string? Name, DateTimeOffset DeployedAt, string? DeployedBy, int RunningInstances);

/// <summary>The draft of a process: when and by whom it was last saved, and the version it started from.</summary>
public sealed record DraftInfo(DateTimeOffset SavedAt, string SavedBy, int? BasedOnVersion);

public sealed class ListProcessesHandler(IPlieDbContext db) : IQueryHandler<ListProcessesQuery, IReadOnlyList<ProcessSummary>>
{
    public async ValueTask<IReadOnlyList<ProcessSummary>> Handle(ListProcessesQuery query, CancellationToken ct)
    {
        var versions = await db.ProcessDefinitions.AsNoTracking()
            .Select(d => new { d.Id, d.Key, d.Version, d.Name, d.DeployedAt, d.DeployedBy })
            .ToListAsync(ct);
        var running = await db.ProcessInstances.AsNoTracking()
            .Where(i => i.State == InstanceState.Running)
            .GroupBy(i => i.DefinitionId)
            .Select(g => new { DefinitionId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.DefinitionId, x => x.Count, ct);
        var drafts = await db.ProcessDrafts.AsNoTracking()
            .Select(d => new { d.Key, d.Name, d.SavedAt, d.SavedBy, d.BasedOnVersion })
            .ToDictionaryAsync(d => d.Key, StringComparer.Ordinal, ct);

        var byKey = versions.ToLookup(v => v.Key);
        return byKey.Select(g => g.Key).Union(drafts.Keys)
            .Order(StringComparer.Ordinal)
            .Select(key =>
            {
                var list = byKey[key].OrderByDescending(v => v.Version)
                    .Select(v => new ProcessVersionView(v.Version, v.Name, v.DeployedAt, v.DeployedBy, running.GetValueOrDefault(v.Id)))
                    .ToList();
                var draft = drafts.GetValueOrDefault(key);
                return new ProcessSummary(key, list.FirstOrDefault()?.Name ?? draft?.Name, list.FirstOrDefault()?.Version,
                    list.Sum(v => v.RunningInstances), list,
                    draft is null ? null : new DraftInfo(draft.SavedAt, draft.SavedBy, draft.BasedOnVersion));
            })
            .ToList();
    }
}
