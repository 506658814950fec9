using FluentValidation;
using Mediator;
using Plie.Application.Common;
using Plie.Application.Workflow.ClaimTask;
using Plie.Workflow;

namespace Plie.Application.Workflow.UnclaimTask;

/// <summary>Releases a task: nobody holds it any more; it is offered to its candidate groups again.</summary>
public sealed record UnclaimTaskCommand(Guid TaskId) : ICommand<TaskView>;

public sealed class UnclaimTaskValidator : AbstractValidator<UnclaimTaskCommand>
{
    public UnclaimTaskValidator() => RuleFor(c => c.TaskId).NotEmpty().WithMessage("L'identifiant de la tâche est obligatoire.");
}

public sealed class UnclaimTaskHandler(IWorkflowEngine engine, IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<UnclaimTaskCommand, TaskView>
{
    public async ValueTask<TaskView> Handle(UnclaimTaskCommand command, CancellationToken ct)
    {
        var task = await db.OpenTaskForAsync(command.TaskId, user, expectedFormKey: null, ct);
        await engine.UnclaimTaskAsync(task.Id, user.Id, ct);
        return await TaskChanges.ReadAsync(db, command.TaskId, clock, ct);
    }
}
