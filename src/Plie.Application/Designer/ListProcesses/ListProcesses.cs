using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Application.Workflow.ListDefinitions;

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
        // The deployed side is the engine's own list; the designer adds the drafts (and processes that only have one).
        var deployed = (await new ListDefinitionsHandler(db).Handle(new ListDefinitionsQuery(), ct))
            .ToDictionary(d => d.Key, StringComparer.Ordinal);
        var drafts = await db.ProcessDrafts.AsNoTracking()
            .Select(d => new { d.Key, d.Name, d.SavedAt, d.SavedBy, d.BasedOnVersion })
            .ToDictionaryAsync(d => d.Key, StringComparer.Ordinal, ct);

        return deployed.Keys.Union(drafts.Keys)
            .Order(StringComparer.Ordinal)
            .Select(key =>
            {
                var definition = deployed.GetValueOrDefault(key);
                var draft = drafts.GetValueOrDefault(key);
                var versions = definition?.Versions
                    .Select(v => new ProcessVersionView(v.Version, v.Name, v.DeployedAt, v.DeployedBy, v.RunningInstances))
                    .ToList() ?? [];
                return new ProcessSummary(key, definition?.Name ?? draft?.Name, definition?.LatestVersion,
                    definition?.RunningInstances ?? 0, versions,
                    draft is null ? null : new DraftInfo(draft.SavedAt, draft.SavedBy, draft.BasedOnVersion));
            })
            .ToList();
    }
}
