using System.Text.Json.Nodes;
using FluentValidation;
using Mediator;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Application.Workflow.CorrelateMessage;

/// <summary>
/// Delivers a message to the instances waiting for it (with this business key, when given); if none waits, starts the
/// process whose start event takes it. 404 when nothing took it.
/// </summary>
public sealed record CorrelateMessageCommand(string MessageName, string? BusinessKey = null, JsonObject? Variables = null)
    : ICommand<MessageCorrelated>;

/// <param name="InstanceIds">The instances that received the message (or were started by it).</param>
public sealed record MessageCorrelated(IReadOnlyList<Guid> InstanceIds, bool StartedNewInstance);

public sealed class CorrelateMessageValidator : AbstractValidator<CorrelateMessageCommand>
{
    public CorrelateMessageValidator()
    {
        RuleFor(c => c.MessageName).NotEmpty().WithMessage("Le nom du message est obligatoire.");
        RuleFor(c => c.BusinessKey).MaximumLength(200).WithMessage("La clé métier fait 200 caractères au plus.");
        RuleFor(c => c.Variables).Must(WorkflowVariables.AreValid).WithMessage(WorkflowVariables.InvalidMessage);
    }
}

public sealed class CorrelateMessageHandler(IWorkflowEngine engine, ICurrentUser user)
    : ICommandHandler<CorrelateMessageCommand, MessageCorrelated>
{
    public async ValueTask<MessageCorrelated> Handle(CorrelateMessageCommand command, CancellationToken ct)
    {
        var result = await engine.CorrelateMessageAsync(command.MessageName,
            string.IsNullOrWhiteSpace(command.BusinessKey) ? null : command.BusinessKey,
            WorkflowVariables.ToEngine(command.Variables), user.Id, ct);
        return new MessageCorrelated(result.InstanceIds, result.StartedNewInstance);
    }
}
