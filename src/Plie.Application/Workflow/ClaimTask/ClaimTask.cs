using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Application.Workflow.ClaimTask;

/// <summary>The current user takes a task offered to their groups (409 if somebody else holds it).</summary>
public sealed record ClaimTaskCommand(Guid TaskId) : ICommand<TaskView>;

public sealed class ClaimTaskValidator : AbstractValidator<ClaimTaskCommand>
{
    public ClaimTaskValidator() => RuleFor(c => c.TaskId).NotEmpty().WithMessage("L'identifiant de la tâche est obligatoire.");
}

public sealed class ClaimTaskHandler(IWorkflowEngine engine, IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<ClaimTaskCommand, TaskView>
{
    public async ValueTask<TaskView> Handle(ClaimTaskCommand command, CancellationToken ct)
    {
        // Only a candidate may take an unassigned task (the engine refuses one already taken by someone else).
        var task = await db.OpenTaskForAsync(command.TaskId, user, expectedFormKey: null, ct, forClaim: true);
        await engine.ClaimTaskAsync(task.Id, user.Id, ct);
        return await TaskChanges.ReadAsync(db, command.TaskId, clock, ct);
    }
}

/// <summary>Reads a task back after a change (claim, unclaim, assign).</summary>
public static class TaskChanges
{
    public static async Task<TaskView> ReadAsync(IPlieDbContext db, Guid taskId, TimeProvider clock, CancellationToken ct)
    {
        var task = await db.UserTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct)
                   ?? throw new NotFoundException($"La tâche {taskId} n'existe pas.");
        return TaskView.From(task, clock.GetUtcNow());
    }
}
