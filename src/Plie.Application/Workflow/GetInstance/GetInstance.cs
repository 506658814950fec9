using System.Text.Json.Nodes;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow.Runtime;

namespace Plie.Application.Workflow.GetInstance;

/// <summary>An instance with where it stands: open tasks, open incidents, process variables, active elements.</summary>
public sealed record GetInstanceQuery(Guid InstanceId) : IQuery<InstanceDetails>;

/// <param name="Variables">The process-scope variables, by name.</param>
/// <param name="ActiveElementIds">The BPMN elements where a token is (for highlighting the diagram).</param>
public sealed record InstanceDetails(
    InstanceView Instance,
    IReadOnlyList<TaskView> OpenTasks,
    IReadOnlyList<IncidentView> OpenIncidents,
    JsonObject Variables,
    IReadOnlyList<string> ActiveElementIds);

public sealed class GetInstanceValidator : AbstractValidator<GetInstanceQuery>
{
    public GetInstanceValidator() =>
        RuleFor(q => q.InstanceId).NotEmpty().WithMessage("L'identifiant de l'instance est obligatoire.");
}

public sealed class GetInstanceHandler(IPlieDbContext db, TimeProvider clock) : IQueryHandler<GetInstanceQuery, InstanceDetails>
{
    public async ValueTask<InstanceDetails> Handle(GetInstanceQuery query, CancellationToken ct)
    {
        var id = query.InstanceId;
        var instance = await db.ProcessInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct)
                       ?? throw new NotFoundException($"L'instance {id} n'existe pas.");
        var now = clock.GetUtcNow();
        var tasks = await db.UserTasks.AsNoTracking()
            .Where(t => t.InstanceId == id && t.State == UserTaskState.Open)
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.ElementId)
            .ToListAsync(ct);
        var incidents = await IncidentView.Join(
                db.Incidents.AsNoTracking().Where(i => i.InstanceId == id && i.ResolvedAt == null),
                db.ProcessInstances.AsNoTracking())
            .OrderBy(r => r.Incident.CreatedAt)
            .ToListAsync(ct);
        var active = await db.Executions.AsNoTracking()
            .Where(e => e.InstanceId == id && e.ActivityId != null)
            .Select(e => e.ActivityId!)
            .Distinct()
            .ToListAsync(ct);
        return new InstanceDetails(
            InstanceView.From(instance),
            tasks.Select(t => TaskView.From(t, now)).ToList(),
            incidents.Select(IncidentView.From).ToList(),
            await WorkflowVariables.ReadAsync(db, id, ct),
            active.Order(StringComparer.Ordinal).ToList());
    }
}
