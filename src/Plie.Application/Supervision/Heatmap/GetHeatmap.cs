using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow.Model;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Application.Supervision.Heatmap;

/// <summary>
/// Where the running cases of a process wait: per element, how many cases, how many late (an open task past its due
/// date), and the median time they have waited there (since the task was created / the token arrived; for an even
/// number of cases, the longer of the two middle waits). Version null:
/// the cases of every version, drawn on the latest diagram; else only the cases of that version.
/// </summary>
public sealed record GetHeatmapQuery(string ProcessKey, int? Version = null) : IQuery<ProcessHeatmap>;

public sealed record HeatmapElement(string ElementId, string Name, int Waiting, int Late, TimeSpan? MedianWait);

/// <param name="Version">The version whose diagram the figures are drawn on.</param>
public sealed record ProcessHeatmap(string ProcessKey, int Version, string? Name, IReadOnlyList<HeatmapElement> Elements)
{
    public int Waiting => Elements.Sum(e => e.Waiting);
    public int Late => Elements.Sum(e => e.Late);
}

public sealed class GetHeatmapValidator : AbstractValidator<GetHeatmapQuery>
{
    public GetHeatmapValidator()
    {
        RuleFor(q => q.ProcessKey).NotEmpty().WithMessage("La clé du processus est obligatoire.")
            .MaximumLength(200).WithMessage("La clé du processus fait 200 caractères au plus.");
        RuleFor(q => q.Version).GreaterThanOrEqualTo(1).When(q => q.Version is not null)
            .WithMessage("Le numéro de version commence à 1.");
    }
}

public sealed class GetHeatmapHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock, DefinitionCache definitions,
    IWorkflowStore store) : IQueryHandler<GetHeatmapQuery, ProcessHeatmap>
{
    internal sealed record HeatRow(string ElementId, long Waiting, long Late, DateTimeOffset MedianSince);

    public async ValueTask<ProcessHeatmap> Handle(GetHeatmapQuery query, CancellationToken ct)
    {
        if (!ParticipantAccess.Oversees(user))
            throw new UnauthorizedAccessException("La supervision est réservée au superviseur et au Responsable Accompagnement.");
        var key = query.ProcessKey;
        var found = db.ProcessDefinitions.AsNoTracking().Where(d => d.Key == key);
        if (query.Version is { } v) found = found.Where(d => d.Version == v);
        var definitionId = await found.OrderByDescending(d => d.Version).Select(d => (Guid?)d.Id).FirstOrDefaultAsync(ct)
                           ?? throw new NotFoundException(query.Version is null
                               ? $"Aucun processus « {key} » n'est déployé."
                               : $"Le processus « {key} » n'a pas de version {query.Version}.");
        var (definition, model) = await definitions.GetAsync(definitionId, store, ct)
                                  ?? throw new NotFoundException($"Aucun processus « {key} » n'est déployé.");

        var now = clock.GetUtcNow();
        var utcNow = now.UtcDateTime;
        // Waits other than user tasks (timers, messages, async jobs, called processes) are tokens; user tasks are counted
        // from the open tasks, which carry the due date.
        var otherWaits = model.Nodes.Values.Where(n => WaitElements.CanWait(n) && n is not UserTask).Select(n => n.Id).ToArray();
        var allVersions = query.Version is null;
        // Tokens have no process key: they are matched to this process through their instance, unless no other
        // deployed process has elements of these ids (then the instance join, the costly part, is skipped).
        var byInstance = !allVersions || await SharesElementIdsAsync(key, otherWaits, ct);
        var rows = await db.Sql<HeatRow>($"""
            SELECT t.element_id AS "ElementId", count(*) AS "Waiting",
                   count(*) FILTER (WHERE t.due_at < {utcNow}) AS "Late",
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY t.created_at) AS "MedianSince"
              FROM wf.user_tasks t
             WHERE t.state = 'Open' AND t.process_key = {key}
               AND ({allVersions} OR t.instance_id IN
                    (SELECT i.id FROM wf.process_instances i WHERE i.definition_id = {definitionId} AND i.state = 'Running'))
             GROUP BY t.element_id
            UNION ALL
            SELECT e.activity_id, count(DISTINCT e.instance_id), 0,
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY e.entered_at)
              FROM wf.executions e
             WHERE e.state = 'Waiting' AND e.activity_id = ANY({otherWaits}::text[]) AND NOT e.is_multi_instance_root
               AND (NOT {byInstance} OR e.instance_id IN
                    (SELECT i.id FROM wf.process_instances i
                      WHERE i.state = 'Running' AND i.definition_key = {key} AND ({allVersions} OR i.definition_id = {definitionId})))
             GROUP BY e.activity_id
            """).ToListAsync(ct);

        var elements = rows
            .GroupBy(r => r.ElementId)
            .Select(g =>
            {
                var first = g.First();
                var name = model.Nodes.TryGetValue(g.Key, out var node) ? node.DisplayName : g.Key;
                var median = now - first.MedianSince;
                return new HeatmapElement(g.Key, name, (int)g.Sum(r => r.Waiting), (int)g.Sum(r => r.Late),
                    median < TimeSpan.Zero ? TimeSpan.Zero : median);
            })
            .OrderByDescending(e => e.Waiting).ThenBy(e => e.ElementId)
            .ToList();
        return new ProcessHeatmap(definition.Key, definition.Version, definition.Name ?? model.Name, elements);
    }

    /// <summary>Whether a deployed definition of another process has an element with one of these ids.</summary>
    private async Task<bool> SharesElementIdsAsync(string key, string[] elementIds, CancellationToken ct)
    {
        var others = await db.ProcessDefinitions.AsNoTracking().Where(d => d.Key != key).Select(d => d.Id).ToListAsync(ct);
        foreach (var id in others)
            if (await definitions.GetAsync(id, store, ct) is { } other && elementIds.Any(other.Model.Nodes.ContainsKey))
                return true;
        return false;
    }
}
