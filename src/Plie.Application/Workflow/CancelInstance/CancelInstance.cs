using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Application.Workflow.CancelInstance;

/// <summary>
/// Stops a running instance: its tasks, timers and subscriptions are cancelled; its open incidents resolved. For those
/// who oversee the procedures; the reason is kept in the history and the participant's audit trail.
/// </summary>
public sealed record CancelInstanceCommand(Guid InstanceId, string Reason) : ICommand;

public sealed class CancelInstanceValidator : AbstractValidator<CancelInstanceCommand>
{
    public CancelInstanceValidator()
    {
        RuleFor(c => c.InstanceId).NotEmpty().WithMessage("L'identifiant de l'instance est obligatoire.");
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Le motif d'annulation est obligatoire.")
            .MaximumLength(2000).WithMessage("Le motif d'annulation fait 2000 caractères au plus.");
    }
}

public sealed class CancelInstanceHandler(IWorkflowEngine engine, IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<CancelInstanceCommand>
{
    public async ValueTask<Unit> Handle(CancelInstanceCommand command, CancellationToken ct)
    {
        InstanceAccess.EnsureMayAct(user);
        var reason = command.Reason.Trim();
        var businessKey = await db.ProcessInstances.Where(i => i.Id == command.InstanceId).Select(i => i.BusinessKey).FirstOrDefaultAsync(ct);
        await InstanceAccess.AuditAsync(db, user, businessKey, "workflow.instance-cancelled",
            new { command.InstanceId, Reason = reason }, clock, ct);
        await engine.CancelInstanceAsync(command.InstanceId, reason, user.Id, ct);
        return Unit.Value;
    }
}
