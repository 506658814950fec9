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
    int PageSize = Paging.DefaultPageSize) : IQuery<PagedResult<TaskView>>, IPagedQuery
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
    }
}

public sealed class QueryTasksHandler(IPlieDbContext db, TimeProvider clock) : IQueryHandler<QueryTasksQuery, PagedResult<TaskView>>
{
    public async ValueTask<PagedResult<TaskView>> Handle(QueryTasksQuery query, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var tasks = db.UserTasks.AsNoTracking().Where(t => t.State == UserTaskState.Open);
        if (!string.IsNullOrWhiteSpace(query.Assignee)) tasks = tasks.Where(t => t.Assignee == query.Assignee);
        var groups = query.Groups;
        if (groups.Length > 0) tasks = tasks.Where(t => t.CandidateGroups.Any(g => groups.Contains(g)));
        if (!string.IsNullOrWhiteSpace(query.CandidateUser)) tasks = tasks.Where(t => t.CandidateUsers.Contains(query.CandidateUser));
        if (!string.IsNullOrWhiteSpace(query.ProcessKey)) tasks = tasks.Where(t => t.ProcessKey == query.ProcessKey);
        if (!string.IsNullOrWhiteSpace(query.BusinessKey)) tasks = tasks.Where(t => t.BusinessKey == query.BusinessKey);
        if (!string.IsNullOrWhiteSpace(query.ElementId)) tasks = tasks.Where(t => t.ElementId == query.ElementId);
        if (query.Unassigned is { } unassigned) tasks = unassigned ? tasks.Where(t => t.Assignee == null) : tasks.Where(t => t.Assignee != null);
        if (query.Overdue is { } overdue) tasks = overdue ? tasks.Where(t => t.DueAt < now) : tasks.Where(t => t.DueAt == null || t.DueAt >= now);
        if (query.DueBefore is { } dueBefore) tasks = tasks.Where(t => t.DueAt < dueBefore);
        // PostgreSQL sorts nulls last in ascending order: tasks without a due date come after the others.
        var (items, total) = await tasks
            .OrderBy(t => t.DueAt).ThenByDescending(t => t.Priority).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .ReadPageAsync(query, ct);
        return new PagedResult<TaskView>(items.Select(t => TaskView.From(t, now)).ToList(), total, query.Page, query.PageSize);
    }
}
