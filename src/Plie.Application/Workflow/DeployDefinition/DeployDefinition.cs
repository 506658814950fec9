using FluentValidation;
using Mediator;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Application.Workflow.DeployDefinition;

/// <summary>
/// Deploys a BPMN model: a new version of its process when it changed, nothing when it is identical to the latest
/// version. A model the deploy check refuses throws <see cref="WorkflowValidationException"/> (each error names its element).
/// </summary>
public sealed record DeployDefinitionCommand(string Xml) : ICommand<DefinitionDeployed>;

/// <param name="Created">True when a new version was created; false when the model was unchanged.</param>
public sealed record DefinitionDeployed(Guid Id, string Key, int Version, string? Name, bool Created);

public sealed class DeployDefinitionValidator : AbstractValidator<DeployDefinitionCommand>
{
    public DeployDefinitionValidator() =>
        RuleFor(c => c.Xml).NotEmpty().WithMessage("Le modèle BPMN est vide : envoyez le XML du modèle.");
}

public sealed class DeployDefinitionHandler(IWorkflowEngine engine, ICurrentUser user)
    : ICommandHandler<DeployDefinitionCommand, DefinitionDeployed>
{
    public async ValueTask<DefinitionDeployed> Handle(DeployDefinitionCommand command, CancellationToken ct)
    {
        var result = await engine.DeployAsync(command.Xml, user.Id, ct);
        var d = result.Definition;
        return new DefinitionDeployed(d.Id, d.Key, d.Version, d.Name, result.Created);
    }
}
