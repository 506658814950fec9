using System.Security;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Plie.EndToEnd.Tests.IntakeDriver;
using static Plie.EndToEnd.Tests.ProcessDriver;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// The instance viewer (/instances/{id}) as the superviseur uses it: an incident shown on the diagram and relaunched once
/// its cause is fixed; a running case moved to a newer version of its procedure, and a move that is refused.
/// The small procedures are deployed and started through the API by the administrator (as an integration would), for a
/// participant created in the screens; everything the superviseur does is done in the browser.
/// </summary>
public sealed class InstanceViewerTests(PlieApp app) : IClassFixture<PlieApp>
{
    /// <summary>
    /// (d) A procedure whose automatic step calls the real eligibility check (intake.check-eligibility) with an entry date
    /// the check cannot read (a process variable typed by hand as « demain »): the step fails at once (one try) and becomes
    /// an incident, shown on the diagram and with its message. The cause is a mistake in the procedure: its corrected
    /// version (which lets the check take the file's entry date) is deployed, the superviseur moves the case onto it and
    /// relaunches: the check runs and the case goes on to its next task.
    /// </summary>
    [Fact]
    public async Task A_failing_step_shows_as_an_incident_and_relaunching_it_once_the_cause_is_fixed_resumes_the_case()
    {
        var person = new Person("Gaëlle", "Verbeke", new DateOnly(1979, 9, 14));
        var conseiller = await app.SignInAsync("conseiller.dunkerque");
        await CreateOrientationAsync(conseiller, person);
        var admin = await app.SignInAsync("admin");
        await DeployAsync(admin, CheckProcess(withBadEntryDate: true));
        var instanceId = await StartAsync(admin, "controle-e2e", person, new { participantId = person.Id, dateEntree = "demain" });

        var superviseur = await app.SignInAsync("superviseur");
        var incident = superviseur.GetByTestId("incident").Filter(new() { HasText = "Contrôle de l'éligibilité" });
        await PollAsync(superviseur, async () =>
        {
            await superviseur.GotoAsync($"/instances/{instanceId}");
            await Expect(incident).ToBeVisibleAsync(new() { Timeout = 3_000 });
        }, "l'incident du contrôle d'éligibilité");
        await Expect(superviseur.GetByRole(AriaRole.Heading, new() { Name = "Suivi de la procédure" })).ToBeVisibleAsync();
        await Expect(incident.GetByTestId("incident-message")).ToContainTextAsync("intake.check-eligibility");
        await Expect(incident.GetByTestId("incident-message")).ToContainTextAsync("ne conviennent pas");
        await Expect(superviseur.Locator("[data-element-id='Task_Check'].plie-incident")).ToHaveCountAsync(1);
        await Expect(superviseur.Locator("[data-element-id='Flow_1'].plie-done")).ToHaveCountAsync(1);
        await Expect(superviseur.GetByTestId("history-row").Filter(new() { HasText = "Incident : Contrôle de l'éligibilité" })).ToBeVisibleAsync();
        await Expect(superviseur.GetByTestId("instance-tasks")).ToContainTextAsync("Aucune tâche ouverte.");

        // The conseiller of the file sees the case and its incident, but acting on it is for the supervision.
        await conseiller.GotoAsync($"/instances/{instanceId}");
        await Expect(conseiller.GetByTestId("incident")).ToContainTextAsync("intake.check-eligibility");
        await Expect(conseiller.GetByTestId("incident-retry")).ToHaveCountAsync(0);
        await Expect(conseiller.GetByTestId("instance-cancel")).ToHaveCountAsync(0);

        // Clicking the failed step shows what happened there.
        await superviseur.Locator("[data-element-id='Task_Check']").First.ClickAsync();
        await Expect(superviseur.GetByTestId("element-details")).ToContainTextAsync("Incident : Contrôle de l'éligibilité");

        // The fix: the corrected procedure, then the case moved onto it.
        await DeployAsync(admin, CheckProcess(withBadEntryDate: false));
        await superviseur.ReloadAsync();
        await MigrateAsync(superviseur, 2);
        await Expect(superviseur.GetByTestId("instance-version")).ToHaveTextAsync("2");

        await incident.GetByTestId("incident-retry").ClickAsync();
        await Expect(superviseur.GetByText("Incident relancé").First).ToBeVisibleAsync();
        await PollAsync(superviseur, async () =>
        {
            await superviseur.GotoAsync($"/instances/{instanceId}");
            await Expect(superviseur.GetByTestId("instance-task").Filter(new() { HasText = "Suite du dossier" }))
                .ToBeVisibleAsync(new() { Timeout = 3_000 });
        }, "la tâche qui suit le contrôle relancé");
        await Expect(incident).ToHaveAttributeAsync("data-resolved", "true");
        await Expect(incident).ToContainTextAsync("relancé le");
        await Expect(incident.GetByTestId("incident-retry")).ToHaveCountAsync(0);
        await Expect(superviseur.Locator("[data-element-id='Task_Next'].plie-active")).ToHaveCountAsync(1);
        await Expect(superviseur.Locator("[data-element-id='Task_Check'].plie-incident")).ToHaveCountAsync(0);
        await Expect(superviseur.GetByTestId("history-row").Filter(new() { HasText = "Incident relancé : Contrôle de l'éligibilité" }))
            .ToContainTextAsync("Isabelle Deswarte");
        await Expect(superviseur.Locator("[data-testid='instance-variable'][data-name='eligible']")).ToContainTextAsync("true");

        await conseiller.Context.CloseAsync();
        await admin.Context.CloseAsync();
        await superviseur.Context.CloseAsync();
    }

    /// <summary>
    /// (e) Two cases of version 1 of a follow-up procedure: one still at its first step, one already at « Entretien final ».
    /// Version 2 replaces « Entretien final » by « Bilan ». From the viewer, the superviseur moves the first case (it then
    /// goes on to « Bilan »); moving the second is refused, naming the step version 2 lacks.
    /// </summary>
    [Fact]
    public async Task A_running_case_moves_to_the_new_version_and_goes_on_there_and_a_case_that_cannot_move_says_why()
    {
        var person = new Person("Yanis", "Decroos", new DateOnly(1983, 1, 9));
        var conseiller = await app.SignInAsync("conseiller.dunkerque");
        await CreateOrientationAsync(conseiller, person);
        var admin = await app.SignInAsync("admin");
        await DeployAsync(admin, FollowUpProcess(version: 1));
        var movable = await StartAsync(admin, "suivi-e2e", person, new { });
        var stuck = await StartAsync(admin, "suivi-e2e", person, new { });
        await CompleteOpenTaskAsync(admin, stuck);
        await DeployAsync(admin, FollowUpProcess(version: 2));

        // From the participant's file to the viewer of the first case.
        var superviseur = await app.SignInAsync("superviseur");
        await OpenFileAsync(superviseur, person);
        await superviseur.Locator($"[data-testid='file-procedure'][data-instance-id='{movable}']").GetByTestId("file-procedure-link").ClickAsync();
        await superviseur.WaitForURLAsync(new Regex($"/instances/{movable}$"));
        await Expect(superviseur.GetByTestId("instance-participant-link")).ToHaveTextAsync(person.FullName);
        await Expect(superviseur.GetByTestId("instance-version")).ToHaveTextAsync("1");
        await Expect(superviseur.GetByTestId("instance-newer-versions")).ToContainTextAsync("2");
        await Expect(superviseur.Locator("[data-element-id='Task_First'].plie-active")).ToHaveCountAsync(1);

        await MigrateAsync(superviseur, 2);
        await Expect(superviseur.GetByTestId("instance-version")).ToHaveTextAsync("2");
        await Expect(superviseur.GetByTestId("history-row").Filter(new() { HasText = "Migrée de la version 1 à la version 2" })).ToBeVisibleAsync();
        await Expect(superviseur.GetByTestId("instance-migrate")).ToHaveCountAsync(0); // no newer version left
        await ScreenshotAsync(superviseur, "instance-viewer");

        // The case goes on along version 2: « Premier point » done, « Bilan » comes.
        await superviseur.GetByTestId("instance-task-name").Filter(new() { HasText = "Premier point" }).ClickAsync();
        await Expect(superviseur.GetByTestId("task-title")).ToHaveTextAsync("Premier point");
        await SubmitTaskAsync(superviseur);
        await superviseur.GotoAsync($"/instances/{movable}");
        await Expect(superviseur.GetByTestId("instance-task").Filter(new() { HasText = "Bilan" })).ToBeVisibleAsync();
        await Expect(superviseur.Locator("[data-element-id='Task_Review'].plie-active")).ToHaveCountAsync(1);
        await Expect(superviseur.Locator("[data-element-id='Task_First'].plie-done")).ToHaveCountAsync(1);

        // The second case waits at « Entretien final », which version 2 has not.
        await superviseur.GotoAsync($"/instances/{stuck}");
        await Expect(superviseur.GetByTestId("instance-task").Filter(new() { HasText = "Entretien final" })).ToBeVisibleAsync();
        await superviseur.GetByTestId("instance-migrate").ClickAsync();
        await SelectAsync(superviseur, "migrate-version", "Version 2");
        await superviseur.GetByTestId("migrate-confirm").ClickAsync();
        var problem = superviseur.GetByTestId("migrate-problem");
        await Expect(problem).ToContainTextAsync("Migration impossible");
        await Expect(problem).ToContainTextAsync("« Entretien final » (Task_Final) n'existe pas dans la version 2");
        await superviseur.GetByTestId("migrate-back").ClickAsync();
        await Expect(superviseur.GetByTestId("migrate-problem")).ToBeHiddenAsync();
        await Expect(superviseur.GetByTestId("instance-version")).ToHaveTextAsync("1");

        // Its task goes to someone of its group; then the case is cancelled, with a reason.
        await superviseur.GetByTestId("instance-task-reassign").ClickAsync();
        await SelectAsync(superviseur, "reassign-user", "Isabelle Deswarte");
        await superviseur.GetByTestId("reassign-confirm").ClickAsync();
        await Expect(superviseur.GetByTestId("instance-task-assignee")).ToHaveTextAsync("Isabelle Deswarte");
        await Expect(superviseur.GetByTestId("history-row").Filter(new() { HasText = "Tâche confiée à Isabelle Deswarte : Entretien final" })).ToBeVisibleAsync();
        await superviseur.GetByTestId("instance-cancel").ClickAsync();
        await superviseur.GetByTestId("cancel-confirm").ClickAsync();
        await Expect(superviseur.GetByText("Le motif d'annulation est obligatoire.").First).ToBeVisibleAsync();
        await superviseur.GetByTestId("cancel-reason").FillAsync("Doublon du premier suivi.");
        await superviseur.GetByTestId("cancel-confirm").ClickAsync();
        await Expect(superviseur.GetByTestId("instance-state")).ToHaveTextAsync("Annulée");
        await Expect(superviseur.GetByTestId("history-row").Filter(new() { HasText = "Dossier annulé" })).ToContainTextAsync("Doublon du premier suivi.");
        await Expect(superviseur.GetByTestId("instance-tasks")).ToContainTextAsync("Aucune tâche ouverte.");

        // A conseiller of another antenne does not see the case at all.
        var otherAntenne = await app.SignInAsync("conseiller.grande-synthe");
        await otherAntenne.GotoAsync($"/instances/{stuck}");
        await Expect(otherAntenne.GetByTestId("problem")).ToContainTextAsync("n'existe pas ou ne vous est pas accessible");
        await Expect(otherAntenne.GetByTestId("instance-header")).ToHaveCountAsync(0);
        await otherAntenne.Context.CloseAsync();

        await conseiller.Context.CloseAsync();
        await admin.Context.CloseAsync();
        await superviseur.Context.CloseAsync();
    }

    // ------------------------------------------------------------------ helpers

    private static async Task MigrateAsync(IPage page, int version)
    {
        await page.GetByTestId("instance-migrate").ClickAsync();
        await SelectAsync(page, "migrate-version", $"Version {version}");
        await page.GetByTestId("migrate-confirm").ClickAsync();
        await Expect(page.GetByText($"à la version {version}").First).ToBeVisibleAsync();
    }

    /// <summary>start → Contrôle de l'éligibilité (async, one try) → Suite du dossier → end.</summary>
    private static string CheckProcess(bool withBadEntryDate) => Linear("controle-e2e", "Contrôle e2e",
        new("startEvent", "Start", "Début"),
        new("serviceTask", "Task_Check", "Contrôle de l'éligibilité",
            """camunda:asyncBefore="true" camunda:type="external" camunda:topic="intake.check-eligibility" """,
            "<bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R1/PT1S</camunda:failedJobRetryTimeCycle>"
            + (withBadEntryDate
                ? "<camunda:inputOutput><camunda:inputParameter name=\"entryDate\">${dateEntree}</camunda:inputParameter></camunda:inputOutput>"
                : "")
            + "</bpmn:extensionElements>"),
        new("userTask", "Task_Next", "Suite du dossier", """camunda:candidateGroups="superviseur" """),
        new("endEvent", "End", "Fin"));

    /// <summary>Version 1: Premier point → Entretien final; version 2: Premier point → Bilan.</summary>
    private static string FollowUpProcess(int version) => Linear("suivi-e2e", "Suivi e2e",
        new("startEvent", "Start", "Début"),
        new("userTask", "Task_First", "Premier point", """camunda:candidateGroups="superviseur" """),
        version == 1
            ? new("userTask", "Task_Final", "Entretien final", """camunda:candidateGroups="superviseur" """)
            : new("userTask", "Task_Review", "Bilan", """camunda:candidateGroups="superviseur" """),
        new("endEvent", "End", "Fin"));
}
