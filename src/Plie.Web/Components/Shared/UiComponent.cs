using Microsoft.AspNetCore.Components;
using MudBlazor;
using Plie.Web.Hosting;

namespace Plie.Web.Components.Shared;

/// <summary>
/// A screen or form that calls use cases. <see cref="RunAsync"/> turns any failure into a French
/// <see cref="Problem"/> shown by the component (never an error page); unexpected ones are logged.
/// </summary>
public abstract class UiComponent : ComponentBase
{
    [Inject] protected UiSender UseCases { get; set; } = null!;
    [Inject] protected ISnackbar Snackbar { get; set; } = null!;
    [Inject] protected NavigationManager Navigation { get; set; } = null!;
    [Inject] private ILogger<UiComponent> Logger { get; set; } = null!;

    /// <summary>What went wrong with the last action, if it failed.</summary>
    protected UiProblem? Problem { get; set; }

    /// <summary>An action is running (buttons are disabled meanwhile).</summary>
    protected bool Busy { get; private set; }

    /// <summary>The error message of a field, from the last failure.</summary>
    protected string? ErrorFor(string field) => Problem?.For(field);

    protected bool HasError(string field) => Problem?.For(field) is not null;

    /// <summary>Runs <paramref name="action"/>; true if it succeeded, else <see cref="Problem"/> says why.</summary>
    protected async Task<bool> RunAsync(Func<Task> action)
    {
        Busy = true;
        Problem = null;
        try
        {
            await action();
            return true;
        }
        catch (Exception e)
        {
            Problem = UiProblem.From(e);
            if (Problem.Unexpected) Logger.LogError(e, "Unexpected error in {Component}", GetType().Name);
            return false;
        }
        finally
        {
            Busy = false;
        }
    }
}
