using FluentValidation;
using Mediator;
using Plie.Application.Common;
using Plie.Application.Workflow.ClaimTask;
using Plie.Workflow;

namespace Plie.Application.Workflow.AssignTask;

/// <summary>Gives a task to someone (the current user is recorded as who did it).</summary>
public sealed record AssignTaskCommand(Guid TaskId, string Assignee) : ICommand<TaskView>;

public sealed class AssignTaskValidator : AbstractValidator<AssignTaskCommand>
{
    public AssignTaskValidator()
    {
        RuleFor(c => c.TaskId).NotEmpty().WithMessage("L'identifiant de la tâche est obligatoire.");
        RuleFor(c => c.Assignee).NotEmpty().WithMessage("La personne à qui confier la tâche est obligatoire.")
            .MaximumLength(200).WithMessage("L'identifiant de la personne fait 200 caractères au plus.");
    }
}

public sealed class AssignTaskHandler(IWorkflowEngine engine, IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<AssignTaskCommand, TaskView>
{
    public async ValueTask<TaskView> Handle(AssignTaskCommand command, CancellationToken ct)
    {
        await engine.AssignTaskAsync(command.TaskId, command.Assignee.Trim(), user.Id, ct);
        return await TaskChanges.ReadAsync(db, command.TaskId, clock, ct);
    }
}
