using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Application.Workflow.ClaimTask;
using Plie.Workflow;

namespace Plie.Application.Workflow.AssignTask;

/// <summary>
/// Gives a task to someone (the current user is recorded as who did it). For those who oversee the procedures; audited
/// on the participant's file.
/// </summary>
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
        InstanceAccess.EnsureMayAct(user);
        var assignee = command.Assignee.Trim();
        var task = await db.UserTasks.AsNoTracking().Where(t => t.Id == command.TaskId)
            .Select(t => new { t.InstanceId, t.BusinessKey, t.ElementId, t.Name, t.Assignee }).FirstOrDefaultAsync(ct);
        if (task is not null)
            await InstanceAccess.AuditAsync(db, user, task.BusinessKey, "workflow.task-assigned",
                new { TaskId = command.TaskId, task.InstanceId, task.ElementId, task.Name, From = task.Assignee, To = assignee }, clock, ct);
        await engine.AssignTaskAsync(command.TaskId, assignee, user.Id, ct);
        return await TaskChanges.ReadAsync(db, command.TaskId, clock, ct);
    }
}
