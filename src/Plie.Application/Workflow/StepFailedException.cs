using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Application.Workflow;

/// <summary>
/// A step could not be carried out because something it ran failed — typically the handler of a service task run
/// synchronously within the step (e.g. completing a task runs the next service task). Nothing was saved.
/// </summary>
public sealed class StepFailedException(string message, Exception inner) : Exception(message, inner);

public static class EngineSteps
{
    /// <summary>
    /// Runs an engine command. The engine's own refusals (not found, conflict, invalid model…), validation errors and
    /// database errors pass through; anything else thrown from inside the step (a service-task handler that failed)
    /// becomes a <see cref="StepFailedException"/>, so that it is not taken for a missing task or a server bug.
    /// </summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (Exception e) when (e is not (WorkflowException or ValidationException or OperationCanceledException
                                      or DbUpdateException or System.Data.Common.DbException))
        {
            throw new StepFailedException("L'étape n'a pas pu aboutir : " + e.Message, e);
        }
    }

    public static Task RunAsync(Func<Task> step) => RunAsync(async () =>
    {
        await step();
        return true;
    });
}
