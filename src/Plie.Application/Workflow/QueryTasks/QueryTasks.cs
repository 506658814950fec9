using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow.Runtime;

namespace Plie.Application.Workflow.QueryTasks;

/// <summary>
/// Open user tasks (the inbox), soonest due first (tasks without due date last), then highest priority, then oldest.
/// </summary>
/// <param name="CandidateGroups">Comma-separated: tasks offered to any of these groups.</param>
/// <param name="CandidateUser">Tasks offered to this user by name.</param>
/// <param name="Unassigned">True: only tasks nobody holds; false: only tasks somebody holds.</param>
/// <param name="Overdue">True: only tasks due before now; false: only tasks that are not.</param>
/// <param name="DueBefore">Only tasks due before this instant.</param>
/// <param name="Mine">
/// True: the current user's inbox — the tasks assigned to them, and the unassigned tasks offered to one of their roles
/// (candidate groups) or to them by name.
/// </param>
/// <param name="Antenne">Only tasks whose case (business key = participant id) is a file of this antenne.</param>
/// <param name="TaskName">Only tasks of this step (the task's name, or its element id when it has none).</param>
public sealed record QueryTasksQuery(
    string? Assignee = null,
    string? CandidateGroups = null,
    string? CandidateUser = null,
    string? ProcessKey = null,
    string? BusinessKey = null,
    string? ElementId = null,
    bool? Unassigned = null,
    bool? Overdue = null,
    DateTimeOffset? DueBefore = null,
    int Page = 1,
    int PageSize = Paging.DefaultPageSize,
    bool Mine = false,
    string? Antenne = null,
    string? TaskName = null) : IQuery<PagedResult<TaskView>>, IPagedQuery
{
    internal string[] Groups =>
        CandidateGroups?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}

public sealed class QueryTasksValidator : AbstractValidator<QueryTasksQuery>
{
    public QueryTasksValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.Groups.Length).LessThanOrEqualTo(50).OverridePropertyName(nameof(QueryTasksQuery.CandidateGroups))
            .WithMessage("50 groupes au plus.");
        RuleFor(q => q.Antenne).MaximumLength(100).WithMessage("Le nom de l'antenne fait 100 caractères au plus.");
        RuleFor(q => q.TaskName).MaximumLength(500).WithMessage("Le nom de l'étape fait 500 caractères au plus.");
    }
}

public sealed class QueryTasksHandler(IPlieDbContext db, TimeProvider clock, ICurrentUser user)
    : IQueryHandler<QueryTasksQuery, PagedResult<TaskView>>
{
    public async ValueTask<PagedResult<TaskView>> Handle(QueryTasksQuery query, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // A step's tasks are found through the index on (process key, element): for the process asked, or for each one.
        var processKeys = !string.IsNullOrWhiteSpace(query.ElementId) && string.IsNullOrWhiteSpace(query.ProcessKey)
            ? await db.ProcessDefinitions.AsNoTracking().Select(d => d.Key).Distinct().ToListAsync(ct)
            : null;
        var tasks = TaskFilters.Open(db, user, now, query, processKeys);
        // PostgreSQL sorts nulls last in ascending order: tasks without a due date come after the others.
        var (items, total) = await tasks
            .OrderBy(t => t.DueAt).ThenByDescending(t => t.Priority).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .ReadPageAsync(query, ct);
        return new PagedResult<TaskView>(items.Select(t => TaskView.From(t, now)).ToList(), total, query.Page, query.PageSize);
    }
}

/// <summary>The filters of <see cref="QueryTasksQuery"/>, shared with <see cref="CountTasksByStepHandler"/>.</summary>
/// <remarks>
/// "Offered to user x" is written as an overlap with a one-element array (<c>candidate_users &amp;&amp; {x}</c>) and only
/// for tasks that have candidate users (<c>cardinality(candidate_users) &gt; 0</c>): so it matches the partial GIN index
/// on candidate users, which holds only those tasks. <c>t.CandidateUsers.Contains(x)</c> would be translated to
/// <c>x = ANY(candidate_users)</c>, which no index serves.
/// </remarks>
internal static class TaskFilters
{
    /// <param name="processKeys">With an element filter and no process: the deployed process keys (every task belongs to
    /// one), so that the element is looked up under each key of the index on (process key, element).</param>
    public static IQueryable<UserTaskRecord> Open(IPlieDbContext db, ICurrentUser user, DateTimeOffset now, QueryTasksQuery query,
        IReadOnlyList<string>? processKeys = null)
    {
        var tasks = db.UserTasks.AsNoTracking().Where(t => t.State == UserTaskState.Open);
        // Those who do not oversee every case only ever see the tasks they may work.
        if (query.Mine || !ParticipantAccess.Oversees(user))
        {
            var me = user.Id;
            var roles = user.Roles.ToArray();
            string[] users = [me];
            tasks = tasks.Where(t => t.Assignee == me
                                     || (t.Assignee == null && (t.CandidateGroups.Any(g => roles.Contains(g))
                                                                || (t.CandidateUsers.Length > 0 && t.CandidateUsers.Any(u => users.Contains(u))))));
        }
        if (!string.IsNullOrWhiteSpace(query.Assignee)) tasks = tasks.Where(t => t.Assignee == query.Assignee);
        var groups = query.Groups;
        if (groups.Length > 0) tasks = tasks.Where(t => t.CandidateGroups.Any(g => groups.Contains(g)));
        if (!string.IsNullOrWhiteSpace(query.CandidateUser))
        {
            string[] candidate = [query.CandidateUser];
            tasks = tasks.Where(t => t.CandidateUsers.Length > 0 && t.CandidateUsers.Any(u => candidate.Contains(u)));
        }
        if (!string.IsNullOrWhiteSpace(query.ProcessKey)) tasks = tasks.Where(t => t.ProcessKey == query.ProcessKey);
        if (!string.IsNullOrWhiteSpace(query.BusinessKey)) tasks = tasks.Where(t => t.BusinessKey == query.BusinessKey);
        if (!string.IsNullOrWhiteSpace(query.ElementId))
        {
            tasks = tasks.Where(t => t.ElementId == query.ElementId);
            if (processKeys is not null) tasks = tasks.Where(t => processKeys.Contains(t.ProcessKey));
        }
        if (!string.IsNullOrWhiteSpace(query.TaskName)) tasks = tasks.Where(t => (t.Name ?? t.ElementId) == query.TaskName);
        if (!string.IsNullOrWhiteSpace(query.Antenne))
        {
            // The case's business key is the participant id (as text): one semi-join, in the same query.
            var antenne = query.Antenne;
            tasks = tasks.Where(t => db.Participants.Any(p => p.Antenne == antenne && p.Id.ToString() == t.BusinessKey));
        }
        if (query.Unassigned is { } unassigned) tasks = unassigned ? tasks.Where(t => t.Assignee == null) : tasks.Where(t => t.Assignee != null);
        if (query.Overdue is { } overdue) tasks = overdue ? tasks.Where(t => t.DueAt < now) : tasks.Where(t => t.DueAt == null || t.DueAt >= now);
        if (query.DueBefore is { } dueBefore) tasks = tasks.Where(t => t.DueAt < dueBefore);
        return tasks;
    }
}
