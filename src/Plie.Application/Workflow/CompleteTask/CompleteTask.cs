using System.Text.Json.Nodes;
using FluentValidation;
using Mediator;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Application.Workflow.CompleteTask;

/// <summary>
/// Completes a task with the values of its form: they become process variables and the instance moves on to its next
/// wait state. Values that break the task's form fields throw <see cref="WorkflowValidationException"/>.
/// </summary>
public sealed record CompleteTaskCommand(Guid TaskId, JsonObject? Variables) : ICommand;

public sealed class CompleteTaskValidator : AbstractValidator<CompleteTaskCommand>
{
    public CompleteTaskValidator()
    {
        RuleFor(c => c.TaskId).NotEmpty().WithMessage("L'identifiant de la tâche est obligatoire.");
        RuleFor(c => c.Variables).Must(WorkflowVariables.AreValid).WithMessage(WorkflowVariables.InvalidMessage);
    }
}

public sealed class CompleteTaskHandler(IWorkflowEngine engine, IPlieDbContext db, ICurrentUser user) : ICommandHandler<CompleteTaskCommand>
{
    public async ValueTask<Unit> Handle(CompleteTaskCommand command, CancellationToken ct)
    {
        await db.OpenTaskForAsync(command.TaskId, user, expectedFormKey: null, ct);
        await engine.CompleteTaskAsync(command.TaskId, WorkflowVariables.ToEngine(command.Variables), user.Id, ct);
        return Unit.Value;
    }
}
