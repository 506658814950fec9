using FluentValidation;
using Mediator;
using Plie.Workflow;

namespace Plie.Application.Workflow.ValidateDefinition;

/// <summary>Checks a BPMN model as the deploy would, without deploying it (the designer's "check" button).</summary>
public sealed record ValidateDefinitionQuery(string Xml) : IQuery<DefinitionValidation>;

/// <summary>Whether the model can be deployed, and if not, what is wrong with which element.</summary>
public sealed record DefinitionValidation(bool Valid, IReadOnlyList<ModelError> Errors);

/// <summary>A problem in a model; <paramref name="ElementId"/> is null when it concerns the whole document.</summary>
public sealed record ModelError(string? ElementId, string Message);

public sealed class ValidateDefinitionValidator : AbstractValidator<ValidateDefinitionQuery>
{
    public ValidateDefinitionValidator() =>
        RuleFor(q => q.Xml).NotEmpty().WithMessage("Le modèle BPMN est vide : envoyez le XML du modèle.");
}

public sealed class ValidateDefinitionHandler(IWorkflowEngine engine) : IQueryHandler<ValidateDefinitionQuery, DefinitionValidation>
{
    public ValueTask<DefinitionValidation> Handle(ValidateDefinitionQuery query, CancellationToken ct)
    {
        var errors = engine.Validate(query.Xml).Select(e => new ModelError(e.ElementId, e.Message)).ToList();
        return ValueTask.FromResult(new DefinitionValidation(errors.Count == 0, errors));
    }
}
