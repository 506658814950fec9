using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Plie.EndToEnd.Tests.DesignerDriver;
using static Plie.EndToEnd.Tests.IntakeDriver;
using static Plie.EndToEnd.Tests.ProcessDriver;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// Migrating the running cases of a version from « Procédures »: the manager gives a step to the conseillers in the
/// designer and publishes version 2, checks which cases of version 1 can move (one cannot: its step got another id),
/// migrates them; the moved case is in version 2 and its waiting task is now in the conseiller's inbox.
/// </summary>
public sealed class VersionMigrationTests(PlieApp app) : IClassFixture<PlieApp>
{
    private const string Key = "point-etape-e2e";
    private const string Step = "Point d'étape";

    [Fact]
    public async Task A_manager_gives_a_step_to_the_conseillers_and_migrates_the_running_cases_whose_task_then_waits_in_their_inbox()
    {
        var conseiller = await app.SignInAsync("conseiller.dunkerque");
        var nadia = new Person("Nadia", "Vandamme", new DateOnly(1990, 4, 3));
        var hugo = new Person("Hugo", "Lefebvre", new DateOnly(1988, 11, 21));
        await CreateOrientationAsync(conseiller, nadia);
        await CreateOrientationAsync(conseiller, hugo);
        var gestionnaire = await app.SignInAsync("gestionnaire");
        await DeployAsync(gestionnaire, Process());
        var admin = await app.SignInAsync("admin");
        var movable = await StartAsync(admin, Key, nadia, new { });
        var stuck = await StartAsync(admin, Key, hugo, new { });
        await CompleteOpenTaskAsync(admin, stuck); // Hugo's case now waits at « Entretien final »

        // Version 1 offers the step to the responsable: not in the conseiller's inbox.
        await WaitForInboxTaskAsync(conseiller, FirstInterviewStep, nadia);
        await Expect(InboxRow(conseiller, Step, nadia)).ToHaveCountAsync(0);

        // The designer: « Point d'étape » goes to the conseillers; « Entretien final » becomes another step (a new id).
        await OpenAsync(gestionnaire, Key);
        var panel = Panel(gestionnaire);
        await ClickElementAsync(gestionnaire, "Task_Point");
        await OpenGroupAsync(gestionnaire, "plie");
        await panel.Locator("#bio-properties-panel-plieGroup-responsable-accompagnement").UncheckAsync();
        await panel.Locator("#bio-properties-panel-plieGroup-conseiller").CheckAsync();
        await ClickElementAsync(gestionnaire, "Task_Final");
        await OpenGroupAsync(gestionnaire, "general");
        await FillEntryAsync(panel.Locator("#bio-properties-panel-id"), "Task_Bilan");
        await gestionnaire.GetByTestId("designer-publish").ClickAsync();
        await gestionnaire.GetByTestId("designer-publish-confirm-yes").ClickAsync();
        await Expect(gestionnaire.GetByTestId("designer-state")).ToHaveTextAsync("Version 2 en vigueur");

        // « Procédures »: version 1 has two running cases and can migrate them; version 2 (the latest) cannot.
        await gestionnaire.GotoAsync("/procedures");
        var row = gestionnaire.Locator($"[data-testid=procedure-row][data-key='{Key}']");
        var v1 = row.Locator("[data-testid=procedure-version][data-version='1']");
        await Expect(v1.GetByTestId("procedure-version-running")).ToHaveTextAsync("2 dossiers en cours");
        await Expect(row.Locator("[data-testid=procedure-version][data-version='2']").GetByTestId("procedure-version-migrate")).ToHaveCountAsync(0);
        await v1.GetByTestId("procedure-version-migrate").ClickAsync();
        var dialog = gestionnaire.GetByTestId("migrate-version-dialog");
        await Expect(dialog.GetByTestId("migrate-version-target")).ToContainTextAsync("Version 2");
        await Expect(gestionnaire.GetByTestId("migrate-version-confirm")).ToBeDisabledAsync(); // check first

        // « Vérifier »: one case can move; Hugo's cannot, and says why (the manager does not see files: the case, by id).
        await gestionnaire.GetByTestId("migrate-version-check").ClickAsync();
        await Expect(dialog.GetByTestId("migrate-version-movable")).ToHaveAttributeAsync("data-movable", "1");
        await Expect(dialog.GetByTestId("migrate-version-movable")).ToContainTextAsync("1 dossier peut passer en version 2 sur 2 en cours");
        var refusal = dialog.Locator($"[data-testid=migrate-version-refusal][data-instance='{stuck}']");
        await Expect(refusal).ToContainTextAsync("« Entretien final » (Task_Final) n'existe pas dans la version 2");
        await Expect(refusal).ToContainTextAsync($"Dossier {stuck}");
        await Expect(refusal.GetByRole(AriaRole.Link)).ToHaveCountAsync(0); // a page the manager could not open
        await Expect(dialog.GetByTestId("migrate-version-refusal")).ToHaveCountAsync(1);
        await ScreenshotAsync(gestionnaire, "designer-migrate-version");
        // Checking moved nothing.
        await Expect(v1.GetByTestId("procedure-version-running")).ToHaveTextAsync("2 dossiers en cours");

        await Expect(gestionnaire.GetByTestId("migrate-version-confirm")).ToHaveTextAsync("Migrer 1 dossier");
        await gestionnaire.GetByTestId("migrate-version-confirm").ClickAsync();
        await Expect(dialog.GetByTestId("migrate-version-outcome")).ToContainTextAsync("1 dossier migré vers la version 2");
        await Expect(dialog.GetByTestId("migrate-version-outcome")).ToContainTextAsync("1 dossier reste en version 1");
        await Expect(dialog.Locator($"[data-testid=migrate-version-refusal][data-instance='{stuck}']")).ToBeVisibleAsync();
        // The counts behind the dialog are refreshed.
        await Expect(v1.GetByTestId("procedure-version-running")).ToHaveTextAsync("1 dossier en cours");
        await Expect(row.Locator("[data-testid=procedure-version][data-version='2']").GetByTestId("procedure-version-running"))
            .ToHaveTextAsync("1 dossier en cours");
        await gestionnaire.GetByTestId("migrate-version-close").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        // Nadia's case is in version 2, the move in its history; its waiting task is now the conseillers'.
        await admin.GotoAsync($"/instances/{movable}");
        await Expect(admin.GetByTestId("instance-version")).ToHaveTextAsync("2");
        await Expect(admin.GetByTestId("history-row").Filter(new() { HasText = "Migrée de la version 1 à la version 2" })).ToBeVisibleAsync();
        await WaitForInboxTaskAsync(conseiller, Step, nadia);
        await Expect(InboxRow(conseiller, Step, hugo)).ToHaveCountAsync(0);

        // A conseiller does not reach « Procédures » (nor its migration).
        await conseiller.GotoAsync("/procedures");
        await Expect(conseiller.GetByTestId("procedure-version-migrate")).ToHaveCountAsync(0);
        await Expect(conseiller.GetByRole(AriaRole.Heading, new() { Name = "Procédures" })).ToHaveCountAsync(0);

        await conseiller.Context.CloseAsync();
        await gestionnaire.Context.CloseAsync();
        await admin.Context.CloseAsync();
    }

    /// <summary>Point d'étape (responsable) → Entretien final (responsable).</summary>
    private static string Process() => Linear(Key, "Point d'étape e2e",
        new("startEvent", "Start", "Début"),
        new("userTask", "Task_Point", Step, """camunda:candidateGroups="responsable-accompagnement" """),
        new("userTask", "Task_Final", "Entretien final", """camunda:candidateGroups="responsable-accompagnement" """),
        new("endEvent", "End", "Fin"));
}
