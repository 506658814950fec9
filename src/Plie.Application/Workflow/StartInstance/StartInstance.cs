using System.Text.Json.Nodes;
using FluentValidation;
using Mediator;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Application.Workflow.StartInstance;

/// <summary>Starts the latest version of a process, with its business key and initial variables.</summary>
public sealed record StartInstanceCommand(string ProcessKey, string? BusinessKey = null, JsonObject? Variables = null) : ICommand<InstanceView>;

public sealed class StartInstanceValidator : AbstractValidator<StartInstanceCommand>
{
    public StartInstanceValidator()
    {
        RuleFor(c => c.ProcessKey).NotEmpty().WithMessage("La clé du processus est obligatoire.");
        RuleFor(c => c.BusinessKey).MaximumLength(200).WithMessage("La clé métier fait 200 caractères au plus.");
        RuleFor(c => c.Variables).Must(WorkflowVariables.AreValid).WithMessage(WorkflowVariables.InvalidMessage);
    }
}

public sealed class StartInstanceHandler(IWorkflowEngine engine, ICurrentUser user) : ICommandHandler<StartInstanceCommand, InstanceView>
{
    public async ValueTask<InstanceView> Handle(StartInstanceCommand command, CancellationToken ct)
    {
        var instance = await engine.StartAsync(command.ProcessKey,
            string.IsNullOrWhiteSpace(command.BusinessKey) ? null : command.BusinessKey,
            WorkflowVariables.ToEngine(command.Variables), user.Id, ct);
        return InstanceView.From(instance);
    }
}
