using FluentValidation;
using Mediator;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Application.Workflow.CancelInstance;

/// <summary>Stops a running instance: its tasks, timers and subscriptions are cancelled; its open incidents resolved.</summary>
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

public sealed class CancelInstanceHandler(IWorkflowEngine engine, ICurrentUser user) : ICommandHandler<CancelInstanceCommand>
{
    public async ValueTask<Unit> Handle(CancelInstanceCommand command, CancellationToken ct)
    {
        await engine.CancelInstanceAsync(command.InstanceId, command.Reason.Trim(), user.Id, ct);
        return Unit.Value;
    }
}
