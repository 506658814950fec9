using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Application.Workflow.RetryIncident;

/// <summary>Resolves an incident by giving its failed job one more try, now (for those who oversee the procedures; audited).</summary>
public sealed record RetryIncidentCommand(Guid IncidentId) : ICommand;

public sealed class RetryIncidentValidator : AbstractValidator<RetryIncidentCommand>
{
    public RetryIncidentValidator() =>
        RuleFor(c => c.IncidentId).NotEmpty().WithMessage("L'identifiant de l'incident est obligatoire.");
}

public sealed class RetryIncidentHandler(IWorkflowEngine engine, IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<RetryIncidentCommand>
{
    public async ValueTask<Unit> Handle(RetryIncidentCommand command, CancellationToken ct)
    {
        InstanceAccess.EnsureMayAct(user);
        var incident = await db.Incidents.AsNoTracking()
            .Join(db.ProcessInstances, i => i.InstanceId, p => p.Id, (i, p) => new { i.Id, i.InstanceId, i.ElementId, i.Message, p.BusinessKey })
            .FirstOrDefaultAsync(i => i.Id == command.IncidentId, ct);
        if (incident is not null)
            await InstanceAccess.AuditAsync(db, user, incident.BusinessKey, "workflow.incident-retried",
                new { incident.InstanceId, IncidentId = incident.Id, incident.ElementId, incident.Message }, clock, ct);
        await engine.RetryIncidentAsync(command.IncidentId, user.Id, ct);
        return Unit.Value;
    }
}
