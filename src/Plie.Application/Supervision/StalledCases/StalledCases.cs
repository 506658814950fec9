using System.Globalization;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Application.Workflow;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Application.Supervision.StalledCases;

/// <summary>Why a running case is listed in « Dossiers bloqués ».</summary>
public enum StallReason
{
    /// <summary>One of its open tasks is past its due date.</summary>
    Overdue,
    /// <summary>
    /// It has not moved for more than the process's idle threshold (days): one of its steps (a task, a timer, a message,
    /// a called process) has been waiting that long. Claiming or assigning a task, or commenting the case, does not move
    /// it; completing a step does.
    /// </summary>
    Idle,
    /// <summary>It has an open incident (a failed job or service task).</summary>
    Incident,
}

public enum StalledSort
{
    /// <summary>Oldest case first (started longest ago).</summary>
    OldestFirst,
    NewestFirst,
    /// <summary>The case waiting for the longest time first (at the step asked, if any).</summary>
    LongestIdleFirst,
}

/// <summary>
/// Running cases that are stuck: an overdue task, idle for longer than the process's threshold
/// (<see cref="SupervisionSettings"/>), or an open incident — or, with <see cref="StalledOnly"/> false, every running
/// case (the heatmap's list of the cases waiting at one step). For those who oversee the cases (superviseur,
/// responsable, administrateur); participant data is shown only for files the user may see (<see cref="ParticipantAccess"/>).
/// </summary>
/// <param name="Reasons">Only cases stuck for one of these reasons (all three when empty).</param>
/// <param name="Step">Only cases waiting at this step: an element id, or a task's name.</param>
/// <param name="Referent">Only cases whose participant has this référent (user id).</param>
public sealed record StalledCasesQuery(
    IReadOnlyList<StallReason>? Reasons = null,
    string? Antenne = null,
    string? Step = null,
    string? Referent = null,
    string? ProcessKey = null,
    StalledSort Sort = StalledSort.OldestFirst,
    bool StalledOnly = true,
    int Page = 1,
    int PageSize = Paging.DefaultPageSize) : IQuery<PagedResult<StalledCaseView>>, IPagedQuery;

/// <summary>One open task, or one other wait (timer, message, sub-process…), of a case.</summary>
public sealed record CaseStep(string ElementId, string Name, Guid? TaskId, string? Assignee, IReadOnlyList<string> CandidateGroups,
    DateTimeOffset? DueAt, bool Overdue, DateTimeOffset Since);

/// <param name="ParticipantName">Null when the case has no participant, or the user may not see the file (then
/// <paramref name="Antenne"/> and <paramref name="Referent"/> are null too).</param>
/// <param name="WaitingSince">Since when the case has not moved: when its longest-waiting step began to wait (its last
/// activity, if nothing waits: a job under way).</param>
/// <param name="IdleDays">The process's idle threshold, in days.</param>
public sealed record StalledCaseView(
    Guid InstanceId,
    string ProcessKey,
    int Version,
    string? BusinessKey,
    Guid? ParticipantId,
    string? ParticipantName,
    string? Antenne,
    string? Referent,
    IReadOnlyList<CaseStep> Steps,
    DateTimeOffset StartedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset WaitingSince,
    IReadOnlyList<StallReason> Reasons,
    string? IncidentMessage,
    DateTimeOffset? DueAt,
    int IdleDays,
    TimeSpan Age);

public sealed class StalledCasesValidator : AbstractValidator<StalledCasesQuery>
{
    public StalledCasesValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.Antenne).MaximumLength(100).WithMessage("Le nom de l'antenne fait 100 caractères au plus.");
        RuleFor(q => q.Step).MaximumLength(500).WithMessage("Le nom de l'étape fait 500 caractères au plus.");
        RuleFor(q => q.Referent).MaximumLength(200).WithMessage("L'identifiant du référent fait 200 caractères au plus.");
        RuleFor(q => q.ProcessKey).MaximumLength(200).WithMessage("La clé du processus fait 200 caractères au plus.");
        RuleForEach(q => q.Reasons).IsInEnum().WithMessage("Motif inconnu.");
        RuleFor(q => q.Sort).IsInEnum().WithMessage("Tri inconnu.");
    }
}

public sealed class StalledCasesHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock, SupervisionSettings settings,
    DefinitionCache definitions, IWorkflowStore store) : IQueryHandler<StalledCasesQuery, PagedResult<StalledCaseView>>
{
    /// <summary>A candidate case, as the SQL returns it.</summary>
    internal sealed record CaseRow(Guid Id, Guid DefinitionId, string DefinitionKey, int DefinitionVersion, string? BusinessKey,
        DateTimeOffset StartedAt, DateTimeOffset LastActivityAt);

    public async ValueTask<PagedResult<StalledCaseView>> Handle(StalledCasesQuery query, CancellationToken ct)
    {
        if (!ParticipantAccess.Oversees(user))
            throw new UnauthorizedAccessException("La supervision est réservée au superviseur et au Responsable Accompagnement.");
        var now = clock.GetUtcNow();
        var (waits, steps) = await ElementsAsync(query.Step?.Trim(), query.ProcessKey, ct);
        var byWait = query.Sort == StalledSort.LongestIdleFirst;
        var sql = new CaseFilter(query, now, settings, waits, steps, stepJoined: byWait);
        var waitElements = waits.Keys.ToArray();
        var from = "wf.process_instances pi";
        var order = query.Sort == StalledSort.NewestFirst ? "pi.started_at DESC, pi.id" : "pi.started_at, pi.id";
        if (byWait)
        {
            // Since when each case waits (at the step asked, if any): the oldest of its waiting tokens there. Sorted in
            // the subquery, so that the cases are then tested in that order and the walk stops at the page's end (sorted
            // after the filters, every case waiting there would be tested first).
            from = $"""
                (SELECT w.instance_id, min(w.entered_at) AS since
                   FROM wf.executions w
                  WHERE w.state = 'Waiting' AND NOT w.is_multi_instance_root AND w.activity_id = ANY ({sql.Add(steps ?? waitElements)}::text[])
                  GROUP BY w.instance_id
                  ORDER BY since, w.instance_id) o
                JOIN wf.process_instances pi ON pi.id = o.instance_id
                """;
            order = "o.since, o.instance_id";
        }
        // The list is not counted: counting every stuck case of a large base would cost a walk over all of them on each
        // page view. One row more than the page tells whether another page follows.
        var offset = (query.Page - 1) * query.PageSize;
        var rows = await db.SqlRaw<CaseRow>($"""
            SELECT pi.id AS "Id", pi.definition_id AS "DefinitionId", pi.definition_key AS "DefinitionKey",
                   pi.definition_version AS "DefinitionVersion", pi.business_key AS "BusinessKey",
                   pi.started_at AS "StartedAt", pi.last_activity_at AS "LastActivityAt"
              FROM {from}
             WHERE {sql.Where}
             ORDER BY {order}
             LIMIT {sql.Add(query.PageSize + 1)} OFFSET {sql.Add(offset)}
            """, sql.Parameters).ToListAsync(ct);
        var more = rows.Count > query.PageSize;
        var page = more ? rows[..query.PageSize] : rows;
        var items = page.Count == 0 ? [] : await DescribeAsync(page, now, waitElements, ct);
        return new PagedResult<StalledCaseView>(items, offset + page.Count, query.Page, query.PageSize, more);
    }

    /// <summary>
    /// What the deployed processes (the process asked, if any) can wait at (<see cref="WaitElements"/>), with the keys of
    /// the processes that have each of them. And the elements a step filter
    /// names: an element id as it is, and every element whose name contains the text, ignoring case and accents
    /// (« validation » finds « Validation par le Responsable Accompagnement »). Matching on the models, not on the rows,
    /// lets the query test one indexed column of the tokens.
    /// </summary>
    private async Task<(Dictionary<string, HashSet<string>> Waits, string[]? Steps)> ElementsAsync(string? step, string? processKey,
        CancellationToken ct)
    {
        var definitionIds = db.ProcessDefinitions.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(processKey)) definitionIds = definitionIds.Where(d => d.Key == processKey.Trim());
        var waits = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var steps = string.IsNullOrEmpty(step) ? null : new HashSet<string>(StringComparer.Ordinal) { step };
        var compare = CultureInfo.InvariantCulture.CompareInfo;
        foreach (var id in await definitionIds.Select(d => d.Id).ToListAsync(ct))
            if (await definitions.GetAsync(id, store, ct) is { } definition)
                foreach (var node in definition.Model.Nodes.Values)
                {
                    if (WaitElements.CanWait(node))
                    {
                        if (!waits.TryGetValue(node.Id, out var keys)) waits[node.Id] = keys = new HashSet<string>(StringComparer.Ordinal);
                        keys.Add(definition.Definition.Key);
                    }
                    if (steps is not null && node.Name is { Length: > 0 } name
                        && compare.IndexOf(name, step!, CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace) >= 0)
                        steps.Add(node.Id);
                }
        return (waits, steps is null ? null : [.. steps]);
    }

    /// <summary>
    /// The WHERE clause on <c>pi</c> (a running instance) and its parameters: stuck for one of the reasons asked — an
    /// open task past due, a step waiting since before the process's threshold, an open incident — or, not stalled only,
    /// any running case; then the filters. Written so that PostgreSQL walks the instances in the order asked and stops at
    /// the page's end when matches are common, and gathers the few candidates first when they are rare (idle cases,
    /// incidents).
    /// </summary>
    private sealed class CaseFilter
    {
        public List<object> Parameters { get; } = [];
        public string Where { get; }

        public string Add(object value)
        {
            Parameters.Add(value);
            return "{" + (Parameters.Count - 1) + "}";
        }

        /// <param name="stepJoined">The query joins the cases to their tokens at the step already.</param>
        public CaseFilter(StalledCasesQuery query, DateTimeOffset now, SupervisionSettings settings,
            Dictionary<string, HashSet<string>> waits, string[]? stepElements, bool stepJoined)
        {
            var reasons = query.Reasons is { Count: > 0 } r ? r : [StallReason.Overdue, StallReason.Idle, StallReason.Incident];
            var stalled = query.StalledOnly;
            DateTime LimitFor(string processKey) => now.AddDays(-settings.IdleDaysFor(processKey)).UtcDateTime;
            // Each element's idle threshold is that of the processes that have it, when they all have the same (an element
            // id of one process only, most often). The others ("mixed") are tested against the case's own process.
            var byLimit = new Dictionary<DateTime, List<string>>();
            var mixed = new List<string>();
            foreach (var (element, processKeys) in waits)
            {
                var elementLimits = processKeys.Select(LimitFor).Distinct().ToList();
                if (elementLimits.Count > 1) mixed.Add(element);
                else if (byLimit.TryGetValue(elementLimits[0], out var elements)) elements.Add(element);
                else byLimit[elementLimits[0]] = [element];
            }
            var where = new List<string> { "pi.state = 'Running'" };
            // A waiting token, other than a multi-instance's root (a sub-process's own is not among the waits).
            const string waiting = "w.state = 'Waiting' AND NOT w.is_multi_instance_root";
            // The cases one of whose steps has waited since before its threshold, for the elements whose threshold is
            // known: one range of ix_executions_waiting_activity per threshold, read from the index alone, once.
            var idleCases = byLimit.Count == 0
                ? "SELECT NULL::uuid WHERE false"
                : string.Join("\n UNION ALL ", byLimit.Select(g =>
                    $"SELECT w.instance_id FROM wf.executions w WHERE {waiting} AND w.activity_id = ANY ({Add(g.Value.ToArray())}::text[]) AND w.entered_at < {Add(g.Key)}"));
            // Idle: one of its steps has waited since before the threshold of the case's process.
            string IdleTest(string alias)
            {
                if (mixed.Count == 0) return $"{alias}.id IN ({idleCases})";
                var keys = settings.IdleDays.Keys.ToArray();
                return $"""
                    ({alias}.id IN ({idleCases})
                     OR EXISTS (SELECT 1 FROM wf.executions w WHERE w.instance_id = {alias}.id AND {waiting} AND w.activity_id = ANY ({Add(mixed.ToArray())}::text[])
                                  AND w.entered_at < COALESCE((SELECT l.t FROM unnest({Add(keys)}::text[], {Add(keys.Select(LimitFor).ToArray())}::timestamptz[]) AS l(k, t)
                                                               WHERE l.k = {alias}.definition_key), {Add(LimitFor(""))})))
                    """;
            }
            var idle = reasons.Contains(StallReason.Idle);
            var incident = reasons.Contains(StallReason.Incident);
            var incidentTest = "EXISTS (SELECT 1 FROM wf.incidents n WHERE n.instance_id = pi.id AND n.resolved_at IS NULL)";
            if (stalled && reasons.Contains(StallReason.Overdue))
                // Overdue tasks are common: walk the instances in order, test each (the overdue tasks, the idle cases and
                // the incidents are each read once into a hash).
                where.Add($"""
                    (EXISTS (SELECT 1 FROM wf.user_tasks t WHERE t.instance_id = pi.id AND t.state = 'Open' AND t.due_at < {Add(now.UtcDateTime)})
                     OR ({Add(idle)} AND {IdleTest("pi")})
                     OR ({Add(incident)} AND {incidentTest}))
                    """);
            else if (stalled)
            {
                // Idle cases and incidents only: few, gathered first through their indexes and, for a step, intersected
                // with the cases waiting there (as rare together, common apart), then joined to the other filters and
                // sorted. Mixed elements' tokens are gathered with the latest threshold, then tested case by case.
                var atStep = stepElements is null
                    ? ""
                    : $"INTERSECT SELECT e.instance_id FROM wf.executions e WHERE e.state = 'Waiting' AND e.activity_id = ANY ({Add(stepElements)}::text[])";
                var mixedCandidates = mixed.Count == 0
                    ? ""
                    : $"""
                      UNION ALL
                      SELECT w.instance_id FROM wf.executions w
                       WHERE {Add(idle)} AND {waiting} AND w.activity_id = ANY ({Add(mixed.ToArray())}::text[])
                         AND w.entered_at < {Add(mixed.SelectMany(e => waits[e]).Select(LimitFor).Max())}
                      """;
                where.Add($"""
                    pi.id IN (SELECT c.id FROM (SELECT i.instance_id AS id FROM ({idleCases}) i WHERE {Add(idle)}
                                               {mixedCandidates}
                                               UNION ALL
                                               SELECT n.instance_id FROM wf.incidents n WHERE {Add(incident)} AND n.resolved_at IS NULL) c
                              {atStep})
                    """);
                if (mixed.Count > 0)
                    where.Add($"(({Add(incident)} AND {incidentTest}) OR ({Add(idle)} AND {IdleTest("pi")}))");
                stepElements = null;
            }
            if (!string.IsNullOrWhiteSpace(query.ProcessKey)) where.Add($"pi.definition_key = {Add(query.ProcessKey.Trim())}");
            // The case's business key is the participant id (as text).
            if (!string.IsNullOrWhiteSpace(query.Antenne))
                where.Add($"EXISTS (SELECT 1 FROM participants p WHERE p.id::text = pi.business_key AND p.antenne = {Add(query.Antenne.Trim())})");
            if (!string.IsNullOrWhiteSpace(query.Referent))
                where.Add($"EXISTS (SELECT 1 FROM participants p WHERE p.id::text = pi.business_key AND p.referent_user_id = {Add(query.Referent.Trim())})");
            // Waiting at the step (unless intersected above or joined): every wait — a user task too — is a token waiting at
            // its element.
            if (stepElements is not null && !stepJoined)
                where.Add($"EXISTS (SELECT 1 FROM wf.executions e WHERE e.instance_id = pi.id AND e.state = 'Waiting' AND e.activity_id = ANY ({Add(stepElements)}::text[]))");
            Where = string.Join("\n   AND ", where);
        }
    }

    /// <summary>The page's cases with their steps, incidents and participants: four small queries by instance id.</summary>
    private async Task<List<StalledCaseView>> DescribeAsync(List<CaseRow> page, DateTimeOffset now, string[] waitElements, CancellationToken ct)
    {
        var ids = page.Select(r => r.Id).ToList();
        var tasks = await db.UserTasks.AsNoTracking()
            .Where(t => ids.Contains(t.InstanceId) && t.State == UserTaskState.Open)
            .OrderBy(t => t.CreatedAt)
            .Select(t => new { t.Id, t.InstanceId, t.ExecutionId, t.ElementId, t.Name, t.Assignee, t.CandidateGroups, t.DueAt, t.CreatedAt })
            .ToListAsync(ct);
        var waits = await db.Executions.AsNoTracking()
            .Where(e => ids.Contains(e.InstanceId) && e.State == ExecutionState.Waiting && e.ActivityId != null && !e.IsMultiInstanceRoot)
            .Select(e => new { e.Id, e.InstanceId, ActivityId = e.ActivityId!, e.EnteredAt })
            .ToListAsync(ct);
        var incidents = await db.Incidents.AsNoTracking()
            .Where(i => ids.Contains(i.InstanceId) && i.ResolvedAt == null)
            .OrderByDescending(i => i.CreatedAt)
            .Select(i => new { i.InstanceId, i.Message })
            .ToListAsync(ct);
        var participantIds = page.Select(r => Guid.TryParse(r.BusinessKey, out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty).Distinct().ToList();
        var participants = participantIds.Count == 0
            ? []
            : await db.Participants.AsNoTracking().VisibleTo(user).Where(p => participantIds.Contains(p.Id))
                .Select(p => new { p.Id, p.FirstName, p.LastName, p.Antenne, p.ReferentUserId })
                .ToListAsync(ct);
        var byParticipant = participants.ToDictionary(p => p.Id);
        var canWait = waitElements.ToHashSet(StringComparer.Ordinal);

        var views = new List<StalledCaseView>(page.Count);
        foreach (var row in page)
        {
            var model = (await definitions.GetAsync(row.DefinitionId, store, ct))?.Model;
            string NameOf(string elementId) =>
                model is not null && model.Nodes.TryGetValue(elementId, out var node) ? node.DisplayName : elementId;

            var caseTasks = tasks.Where(t => t.InstanceId == row.Id).ToList();
            var taskExecutions = caseTasks.Select(t => t.ExecutionId).ToHashSet();
            var steps = caseTasks
                .Select(t => new CaseStep(t.ElementId, t.Name ?? NameOf(t.ElementId), t.Id, t.Assignee, t.CandidateGroups, t.DueAt,
                    t.DueAt < now, t.CreatedAt))
                .Concat(waits.Where(w => w.InstanceId == row.Id && !taskExecutions.Contains(w.Id))
                    .Select(w => new CaseStep(w.ActivityId, NameOf(w.ActivityId), null, null, [], null, false, w.EnteredAt)))
                .ToList();
            var idleDays = settings.IdleDaysFor(row.DefinitionKey);
            var waitingSince = waits.Where(w => w.InstanceId == row.Id && canWait.Contains(w.ActivityId))
                .Select(w => (DateTimeOffset?)w.EnteredAt).Min() ?? row.LastActivityAt;
            var incident = incidents.FirstOrDefault(i => i.InstanceId == row.Id)?.Message;
            var reasons = new List<StallReason>(3);
            if (steps.Any(s => s.Overdue)) reasons.Add(StallReason.Overdue);
            if (waitingSince < now.AddDays(-idleDays)) reasons.Add(StallReason.Idle);
            if (incident is not null) reasons.Add(StallReason.Incident);
            var participant = Guid.TryParse(row.BusinessKey, out var pid) && byParticipant.TryGetValue(pid, out var p) ? p : null;
            views.Add(new StalledCaseView(row.Id, row.DefinitionKey, row.DefinitionVersion, row.BusinessKey, participant?.Id,
                participant is null ? null : $"{participant.FirstName} {participant.LastName.ToUpperInvariant()}",
                participant?.Antenne, participant?.ReferentUserId, steps, row.StartedAt, row.LastActivityAt, waitingSince, reasons, incident,
                steps.Where(s => s.DueAt is not null).Min(s => s.DueAt), idleDays, now - row.StartedAt));
        }
        return views;
    }
}
