using Microsoft.EntityFrameworkCore;
using Plie.Workflow.Runtime;

namespace Plie.Application.Common;

/// <summary>Checks that a user may complete a workflow task: it is open, of the expected form, and theirs to do.</summary>
public static class TaskGuard
{
    /// <param name="forClaim">Taking the task: an unassigned task may be taken by a candidate; an assigned one is left
    /// to the engine, which answers a conflict when it is someone else's.</param>
    public static async Task<UserTaskRecord> OpenTaskForAsync(this IPlieDbContext db, Guid taskId, ICurrentUser user,
        string? expectedFormKey, CancellationToken ct, bool forClaim = false)
    {
        var task = await db.UserTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct)
                   ?? throw new NotFoundException($"La tâche {taskId} n'existe pas.");
        if (task.State != UserTaskState.Open)
            throw new Plie.Workflow.WorkflowConflictException("Cette tâche a déjà été terminée ou annulée.");
        if (expectedFormKey is not null && task.FormKey != expectedFormKey)
            throw new FluentValidation.ValidationException($"Cette tâche ne se traite pas avec ce formulaire ({task.FormKey}).");
        if (!(forClaim && task.Assignee is not null) && !MayWork(task, user))
            throw new UnauthorizedAccessException("Cette tâche est attribuée à quelqu'un d'autre ou à un autre service.");
        return task;
    }

    /// <summary>
    /// A superviseur; else the assignee of an assigned task; else, for an unassigned one, a candidate user or a member
    /// of a candidate group.
    /// </summary>
    public static bool MayWork(UserTaskRecord task, ICurrentUser user) =>
        user.IsInRole(PlieRoles.Superviseur) || user.IsInRole(PlieRoles.Administrateur)
        || (task.Assignee is not null
            ? task.Assignee == user.Id
            : task.CandidateUsers.Contains(user.Id) || task.CandidateGroups.Any(user.IsInRole));

    public static Guid ParticipantIdOf(UserTaskRecord task) =>
        Guid.TryParse(task.BusinessKey, out var id) ? id : throw new FluentValidation.ValidationException("Cette tâche ne concerne pas un dossier participant.");
}
