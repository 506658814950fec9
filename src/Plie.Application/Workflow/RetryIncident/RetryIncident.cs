using FluentValidation;
using Mediator;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Application.Workflow.RetryIncident;

/// <summary>Resolves an incident by giving its failed job one more try, now.</summary>
public sealed record RetryIncidentCommand(Guid IncidentId) : ICommand;

public sealed class RetryIncidentValidator : AbstractValidator<RetryIncidentCommand>
{
    public RetryIncidentValidator() =>
        RuleFor(c => c.IncidentId).NotEmpty().WithMessage("L'identifiant de l'incident est obligatoire.");
}

public sealed class RetryIncidentHandler(IWorkflowEngine engine, ICurrentUser user) : ICommandHandler<RetryIncidentCommand>
{
    public async ValueTask<Unit> Handle(RetryIncidentCommand command, CancellationToken ct)
    {
        await engine.RetryIncidentAsync(command.IncidentId, user.Id, ct);
        return Unit.Value;
    }
}
