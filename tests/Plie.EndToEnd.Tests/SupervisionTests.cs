using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Plie.EndToEnd.Tests.IntakeDriver;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// The app with the first interviews due 2 seconds after the orientation instead of 15 days
/// (<c>Plie:Intake:FirstInterviewDelay</c>, the same setting an operator would change): a fresh case becomes overdue
/// for real, through the engine's own due date, without touching the database or the clock.
/// </summary>
public sealed class ShortFirstInterviewApp : PlieApp
{
    public ShortFirstInterviewApp() => Settings["Plie:Intake:FirstInterviewDelay"] = "PT2S";
}

/// <summary>Supervision: « Dossiers bloqués » as the superviseur sees it, and reassigning a late task from it.</summary>
public sealed class SupervisionTests(ShortFirstInterviewApp app) : IClassFixture<ShortFirstInterviewApp>
{
    [Fact]
    public async Task A_supervisor_sees_an_overdue_task_in_dossiers_bloques_and_reassigns_it_and_the_new_assignee_has_it_in_the_inbox()
    {
        var person = new Person("Rachid", "Lefebvre", new DateOnly(1979, 9, 12));
        var conseiller = await app.SignInAsync("conseiller.dunkerque");
        await CreateOrientationAsync(conseiller, person);

        var superviseur = await app.SignInAsync("superviseur");
        var row = superviseur.GetByTestId("stalled-row")
            .Filter(new() { Has = superviseur.GetByTestId("stalled-row-person").GetByText(person.FullName, new() { Exact = true }) });
        await PollAsync(superviseur, async () =>
        {
            await superviseur.GotoAsync("/supervision");
            await Expect(superviseur.GetByRole(AriaRole.Heading, new() { Name = "Dossiers bloqués" })).ToBeVisibleAsync();
            await Expect(row.GetByTestId("stalled-row-reasons")).ToContainTextAsync("En retard", new() { Timeout = 3_000 });
        }, $"le dossier en retard de {person.FullName} dans « Dossiers bloqués »", TimeSpan.FromSeconds(30));
        await Expect(row.GetByTestId("stalled-row-step")).ToContainTextAsync(FirstInterviewStep);
        var assignee = row.GetByTestId("stalled-row-assignee");
        await Expect(assignee).ToContainTextAsync("conseiller.dunkerque");
        var taskId = await assignee.GetAttributeAsync("data-task-id");
        var instanceId = await row.GetAttributeAsync("data-instance-id");
        await Expect(row.GetByTestId("stalled-open-case")).ToHaveAttributeAsync("href", $"/instances/{instanceId}");
        await ScreenshotIfWantedAsync(superviseur, "supervision-stalled");

        await row.GetByTestId("stalled-reassign").ClickAsync();
        await SelectAsync(superviseur, "reassign-user", "conseiller.grande-synthe");
        await superviseur.GetByTestId("reassign-save").ClickAsync();
        await Expect(superviseur.GetByText("Tâche confiée à conseiller.grande-synthe.")).ToBeVisibleAsync();
        await Expect(row.GetByTestId("stalled-row-assignee")).ToContainTextAsync("conseiller.grande-synthe");

        // The case's history records who reassigned the task.
        var history = await superviseur.APIRequest.GetAsync($"/api/workflow/instances/{instanceId}/history?pageSize=200");
        Assert.Equal(200, history.Status);
        using var events = JsonDocument.Parse(await history.TextAsync());
        Assert.Contains(events.RootElement.GetProperty("items").EnumerateArray(), e =>
            e.GetProperty("type").GetString() == "TaskAssigned" && e.GetProperty("userId").GetString() == "superviseur");

        // The new assignee finds the task, still late, in « Ma corbeille ».
        var other = await app.SignInAsync("conseiller.grande-synthe");
        var inboxRow = other.Locator($"[data-testid=inbox-row][data-task-id='{taskId}']");
        await PollAsync(other, async () =>
        {
            await other.GotoAsync("/");
            await Expect(inboxRow).ToBeVisibleAsync(new() { Timeout = 3_000 });
        }, "la tâche réaffectée dans la corbeille de conseiller.grande-synthe");
        await Expect(inboxRow.GetByTestId("inbox-row-step")).ToHaveTextAsync(FirstInterviewStep);
        await Expect(inboxRow.GetByTestId("inbox-row-assignee")).ToHaveTextAsync("Moi");
        await Expect(inboxRow.GetByTestId("inbox-row-late")).ToBeVisibleAsync();
    }

    private static async Task ScreenshotIfWantedAsync(IPage page, string name)
    {
        if (ScreenshotsWanted) await ScreenshotAsync(page, name);
    }
}
