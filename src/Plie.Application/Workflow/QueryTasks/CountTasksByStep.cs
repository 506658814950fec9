using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Application.Workflow.QueryTasks;

/// <summary>
/// How many open tasks there are per step (task name), how many of them are overdue and how many the current user holds
/// — the inbox's counters and its list of steps, in one grouped query. Same filters as <see cref="QueryTasksQuery"/>.
/// </summary>
public sealed record CountTasksByStepQuery(bool Mine = false, string? Antenne = null, string? ProcessKey = null,
    string? CandidateGroups = null) : IQuery<IReadOnlyList<TaskStepCount>>;

/// <param name="Step">The task's name (its element id when it has none).</param>
/// <param name="AssignedToMe">Held by the current user.</param>
public sealed record TaskStepCount(string Step, int Total, int Overdue, int AssignedToMe);

public sealed class CountTasksByStepValidator : AbstractValidator<CountTasksByStepQuery>
{
    public CountTasksByStepValidator() =>
        RuleFor(q => q.Antenne).MaximumLength(100).WithMessage("Le nom de l'antenne fait 100 caractères au plus.");
}

public sealed class CountTasksByStepHandler(IPlieDbContext db, TimeProvider clock, ICurrentUser user)
    : IQueryHandler<CountTasksByStepQuery, IReadOnlyList<TaskStepCount>>
{
    public async ValueTask<IReadOnlyList<TaskStepCount>> Handle(CountTasksByStepQuery query, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var me = user.Id;
        var filter = new QueryTasksQuery(CandidateGroups: query.CandidateGroups, ProcessKey: query.ProcessKey, Mine: query.Mine,
            Antenne: query.Antenne);
        var rows = await TaskFilters.Open(db, user, now, filter)
            .GroupBy(t => t.Name ?? t.ElementId)
            .Select(g => new
            {
                Step = g.Key,
                Total = g.Count(),
                Overdue = g.Count(t => t.DueAt < now),
                Mine = g.Count(t => t.Assignee == me),
            })
            .ToListAsync(ct);
        return rows.OrderBy(r => r.Step, StringComparer.CurrentCulture)
            .Select(r => new TaskStepCount(r.Step, r.Total, r.Overdue, r.Mine)).ToList();
    }
}
