using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Application.Workflow.GetTask;

/// <summary>A user task, with its form fields and the variables of its instance (to fill the form).</summary>
public sealed record GetTaskQuery(Guid TaskId) : IQuery<TaskDetails>;

/// <param name="FormFields">The camunda:formField definitions (id, label, type, required, defaultValue, options), or null.</param>
/// <param name="Variables">The process-scope variables of the task's instance.</param>
public sealed record TaskDetails(TaskView Task, JsonNode? FormFields, JsonObject Variables);

public sealed class GetTaskValidator : AbstractValidator<GetTaskQuery>
{
    public GetTaskValidator() => RuleFor(q => q.TaskId).NotEmpty().WithMessage("L'identifiant de la tâche est obligatoire.");
}

public sealed class GetTaskHandler(IPlieDbContext db, TimeProvider clock, ICurrentUser user) : IQueryHandler<GetTaskQuery, TaskDetails>
{
    public async ValueTask<TaskDetails> Handle(GetTaskQuery query, CancellationToken ct)
    {
        var task = await db.UserTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == query.TaskId, ct);
        // A task and its case's variables are shown to whoever may work it, and to those who oversee every case.
        if (task is null || !(ParticipantAccess.Oversees(user) || TaskGuard.MayWork(task, user)))
            throw new NotFoundException($"La tâche {query.TaskId} n'existe pas ou ne vous est pas accessible.");
        JsonNode? fields = null;
        if (task.FormFieldsJson is not null)
        {
            try
            {
                fields = JsonNode.Parse(task.FormFieldsJson);
            }
            catch (JsonException)
            {
                fields = null;
            }
        }
        return new TaskDetails(TaskView.From(task, clock.GetUtcNow()), fields, await WorkflowVariables.ReadAsync(db, task.InstanceId, ct));
    }
}
