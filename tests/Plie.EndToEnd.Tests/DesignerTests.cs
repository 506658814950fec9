using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Plie.EndToEnd.Tests.DesignerDriver;
using static Plie.EndToEnd.Tests.IntakeDriver;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// The procedures' manager changes the intake in the designer: a new step with a generated form, checked, published;
/// new cases follow it, running cases keep their version. An invalid model shows its errors on the canvas and is not
/// published.
/// </summary>
public sealed class DesignerTests(PlieApp app) : IClassFixture<PlieApp>
{
    private const string NewStep = "Vérification du projet professionnel";

    [Fact]
    public async Task A_step_added_to_the_intake_and_published_is_taken_by_new_cases_only_and_its_generated_form_works()
    {
        var conseiller = await app.SignInAsync("conseiller.dunkerque");
        var before = new Person("Kévin", "Deswarte", new DateOnly(1986, 9, 12));
        await CreateOrientationAsync(conseiller, before);

        var gestionnaire = await app.SignInAsync("gestionnaire");
        await OpenAsync(gestionnaire, "intake");
        await Expect(gestionnaire.GetByTestId("designer-state")).ToHaveTextAsync("Version 1 en vigueur");
        await Expect(Canvas(gestionnaire).Locator(".bjs-powered-by")).ToBeVisibleAsync(); // the bpmn.io watermark stays
        await ScreenshotAsync(gestionnaire, "designer-intake");

        // A task from the palette, dropped on the flow between the first interview and the opinion: inserted there.
        await ZoomOnAsync(gestionnaire, "Flow_2");
        await DropFromPaletteAsync(gestionnaire, "bpmn-icon-task", await CenterAsync(Element(gestionnaire, "Flow_2")));
        await Expect(gestionnaire.GetByTestId("designer-unsaved")).ToBeVisibleAsync();
        var taskId = await SelectedIdAsync(gestionnaire);
        Assert.StartsWith("Activity_", taskId);
        // The label editor opens on the new shape: type the step's name, click outside to finish.
        await gestionnaire.Keyboard.TypeAsync(NewStep);
        await ClickOnEmptyCanvasAsync(gestionnaire);
        await Expect(Element(gestionnaire, taskId)).ToContainTextAsync("Vérification");

        // The wrench of the context pad: change it into a user task.
        await ClickElementAsync(gestionnaire, taskId);
        await ReplaceSelectedAsync(gestionnaire, "replace-with-user-task");
        await Expect(Panel(gestionnaire)).ToContainTextAsync("User task", new() { IgnoreCase = true });

        var panel = Panel(gestionnaire);
        await OpenGroupAsync(gestionnaire, "plie");
        await panel.Locator("#bio-properties-panel-plieGroup-conseiller").CheckAsync();

        // Two form fields: a generated form.
        await OpenGroupAsync(gestionnaire, "CamundaPlatform__Form");
        await panel.Locator("#bio-properties-panel-formType").SelectOptionAsync("formData");
        await AddFormFieldAsync(gestionnaire, "metierVise", "Métier visé", "string");
        await AddFormFieldAsync(gestionnaire, "heuresHebdo", "Heures par semaine souhaitées", "long");
        await ScreenshotAsync(gestionnaire, "designer-properties");

        await SaveAsync(gestionnaire);

        // Essai: a throwaway run reaches the new step after the interview, with its two fields.
        await gestionnaire.GetByTestId("designer-dry-run").ClickAsync();
        await gestionnaire.GetByTestId("dry-run-variables").FillAsync("{ \"conseiller\": \"conseiller.test\", \"documentsReminderDelay\": \"P7D\" }");
        await gestionnaire.GetByTestId("dry-run-start").ClickAsync();
        var dryTask = gestionnaire.GetByTestId("dry-run-task");
        await Expect(dryTask.GetByTestId("dry-run-task-name")).ToHaveTextAsync(FirstInterviewStep);
        await dryTask.GetByTestId("dry-run-complete").ClickAsync();
        await Expect(dryTask.GetByTestId("dry-run-task-name")).ToHaveTextAsync(NewStep);
        await Expect(dryTask.GetByTestId("dry-run-field")).ToHaveCountAsync(2);
        await Expect(Element(gestionnaire, taskId)).ToHaveClassAsync(new Regex("plie-active"));
        await Expect(Element(gestionnaire, "Task_FirstInterview")).ToHaveClassAsync(new Regex("plie-done"));
        await gestionnaire.EvaluateAsync("() => window.scrollBy(0, 420)");
        await ScreenshotAsync(gestionnaire, "designer-dry-run");
        await gestionnaire.GetByTestId("designer-dry-run").ClickAsync();

        await ValidateAsync(gestionnaire);
        await Expect(gestionnaire.GetByTestId("designer-valid")).ToBeVisibleAsync();

        // The comparison with version 1: the new task, added; the flow it was dropped on, changed.
        await gestionnaire.GetByTestId("designer-compare").ClickAsync();
        await gestionnaire.GetByTestId("compare-run").ClickAsync();
        await Expect(gestionnaire.Locator($"[data-testid=compare-row][data-element='{taskId}']")).ToContainTextAsync("Ajouté");
        await Expect(gestionnaire.Locator("[data-testid=compare-row][data-element='Flow_2']")).ToContainTextAsync("Modifié");
        await gestionnaire.GetByTestId("compare-panel").ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(gestionnaire, "designer-compare");
        await gestionnaire.GetByTestId("designer-compare").ClickAsync();

        await gestionnaire.GetByTestId("designer-publish").ClickAsync();
        await gestionnaire.GetByTestId("designer-publish-confirm-yes").ClickAsync();
        await Expect(gestionnaire.GetByTestId("designer-state")).ToHaveTextAsync("Version 2 en vigueur");
        await gestionnaire.GotoAsync("/procedures");
        var row = gestionnaire.Locator("[data-testid=procedure-row][data-key='intake']");
        await Expect(row.GetByTestId("procedure-latest")).ToHaveTextAsync("v2");
        await Expect(row.Locator("[data-testid=procedure-version][data-version='1']")).ToContainTextAsync("1 dossier en cours");
        await ScreenshotAsync(gestionnaire, "designer-procedures");

        // A new case stops at the new step; its generated form takes both fields; the case goes on to the opinion.
        var after = new Person("Noémie", "Vandamme", new DateOnly(1990, 1, 30));
        await CreateOrientationAsync(conseiller, after);
        await DoFirstInterviewAsync(conseiller, after);
        await OpenTaskAsync(conseiller, NewStep, after);
        await Expect(conseiller.GetByTestId("form-generated")).ToBeVisibleAsync();
        await conseiller.GetByTestId("field-metierVise").Locator("input").FillAsync("Cariste");
        await conseiller.GetByTestId("field-heuresHebdo").Locator("input").FillAsync("35");
        await SubmitTaskAsync(conseiller);
        await WaitForInboxTaskAsync(conseiller, OpinionStep, after);

        // The case started before the publication stays on version 1: no new step after the interview.
        await DoFirstInterviewAsync(conseiller, before);
        await WaitForInboxTaskAsync(conseiller, OpinionStep, before);
        await Expect(InboxRow(conseiller, NewStep, before)).ToHaveCountAsync(0);

        await conseiller.Context.CloseAsync();
        await gestionnaire.Context.CloseAsync();
    }

    [Fact]
    public async Task An_exclusive_gateway_without_a_way_out_is_shown_in_error_on_the_canvas_and_cannot_be_published()
    {
        var gestionnaire = await app.SignInAsync("gestionnaire");
        await OpenAsync(gestionnaire, "intake");
        var version = await gestionnaire.GetByTestId("designer-state").TextContentAsync();

        // Append a gateway after the contract step with the context pad: it has no outgoing flow.
        await ClickElementAsync(gestionnaire, "Task_Contract");
        await Canvas(gestionnaire).Locator(".djs-context-pad .entry[data-action='append.gateway']").ClickAsync();
        var gatewayId = await SelectedIdAsync(gestionnaire);
        Assert.StartsWith("Gateway_", gatewayId);

        await ValidateAsync(gestionnaire);
        await Expect(gestionnaire.Locator($"[data-testid=designer-error][data-element='{gatewayId}']")).ToContainTextAsync("aucune sortie");
        var badge = Canvas(gestionnaire).Locator($".plie-error-badge[data-element-error='{gatewayId}']");
        await Expect(badge).ToBeVisibleAsync();
        await Expect(badge).ToContainTextAsync("La passerelle n'a aucune sortie.");
        await Expect(Element(gestionnaire, gatewayId)).ToHaveClassAsync(new Regex("plie-error"));
        await ScreenshotAsync(gestionnaire, "designer-errors");

        // Clicking the error selects the element; publishing is refused (no confirmation, the errors stay).
        await gestionnaire.Locator($"[data-testid=designer-error][data-element='{gatewayId}'] a").ClickAsync();
        await Expect(Element(gestionnaire, gatewayId)).ToHaveClassAsync(new Regex("selected"));
        await gestionnaire.GetByTestId("designer-publish").ClickAsync();
        await Expect(gestionnaire.GetByTestId("designer-errors")).ToBeVisibleAsync();
        await Expect(gestionnaire.GetByTestId("designer-publish-confirm")).ToHaveCountAsync(0);
        await gestionnaire.ReloadAsync();
        await Expect(gestionnaire.GetByTestId("designer-state")).ToContainTextAsync("Brouillon");
        var list = await gestionnaire.APIRequest.GetAsync("/api/designer/processes");
        Assert.Contains(version!.Replace("Version ", "\"latestVersion\":").Replace(" en vigueur", ""), await list.TextAsync());

        // Abandoned: the version in force is shown again.
        await gestionnaire.GetByTestId("designer-discard").ClickAsync();
        await Expect(gestionnaire.GetByTestId("designer-state")).ToHaveTextAsync(version);

        await gestionnaire.Context.CloseAsync();
    }

    /// <summary>« + » of the « Form fields » list, then the new field's id, label and type (the newest item is open).</summary>
    private static async Task AddFormFieldAsync(IPage page, string id, string label, string type)
    {
        await OpenGroupAsync(page, "CamundaPlatform__FormData");
        var group = Panel(page).Locator("[data-group-id='group-CamundaPlatform__FormData']");
        var before = await group.Locator("input[id$='-formFieldID']").CountAsync();
        await group.Locator(".bio-properties-panel-group-header-button.bio-properties-panel-add-entry").ClickAsync();
        var ids = group.Locator("input[id$='-formFieldID']");
        await Expect(ids).ToHaveCountAsync(before + 1);
        await FillEntryAsync(ids.Last, id);
        await FillEntryAsync(group.Locator("input[id$='-formFieldLabel']").Last, label);
        await group.Locator("select[id$='-formFieldType']").Last.SelectOptionAsync(type);
    }
}
