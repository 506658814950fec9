using Microsoft.AspNetCore.Components;
using Plie.Application.Participants;
using Plie.Application.ReferenceData;
using Plie.Application.Workflow.GetTask;
using Plie.Web.Components.Shared;

namespace Plie.Web.Components.Tasks;

/// <summary>A task's form: the task, its participant's file, and what to tell the page.</summary>
public abstract class TaskFormBase : UiComponent
{
    [Parameter, EditorRequired] public TaskDetails Details { get; set; } = null!;
    /// <summary>The participant's file when the task's case is one (business key = participant id).</summary>
    [Parameter] public ParticipantFile? File { get; set; }
    [Parameter] public ReferenceDataView? ReferenceData { get; set; }
    /// <summary>The task is done (with a message for the user, or null for « Tâche terminée »).</summary>
    [Parameter] public EventCallback<string?> Completed { get; set; }
    /// <summary>The file changed (an interview added, a document uploaded): reload it.</summary>
    [Parameter] public EventCallback FileChanged { get; set; }

    protected Guid TaskId => Details.Task.Id;

    /// <summary>Runs the completing use case; on success, tells the page.</summary>
    protected async Task CompleteAsync(Func<Task> complete, string? message = null)
    {
        if (await RunAsync(complete)) await Completed.InvokeAsync(message);
    }

    protected static FluentValidation.ValidationException Invalid(string field, string message) =>
        new([new FluentValidation.Results.ValidationFailure(field, message)]);
}
