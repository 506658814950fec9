using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Plie.EndToEnd.Tests.IntakeDriver;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// The whole intake, each step done by its real role through the screens: orientation and documents (conseiller),
/// interview and opinion (conseiller), validation (responsable), automatic eligibility check (background job),
/// documents review (statistiques), contract signature (conseiller), admission (background job).
/// </summary>
public sealed class IntakeHappyPathTests(PlieApp app) : IClassFixture<PlieApp>
{
    [Fact]
    public async Task A_person_oriented_by_a_conseiller_becomes_a_participant_once_every_role_has_done_its_step()
    {
        var person = new Person("Élodie", "Vanhove", new DateOnly(1980, 5, 17));
        var conseiller = await app.SignInAsync("conseiller.dunkerque");

        await CreateOrientationAsync(conseiller, person);
        await Expect(conseiller.GetByTestId("file-antenne")).ToHaveTextAsync("Dunkerque-Centre");
        await UploadRequiredDocumentsAsync(conseiller, person);

        if (ScreenshotsWanted)
        {
            // A few more files, so that the inbox of the picture is not a single line.
            await CreateOrientationAsync(conseiller, new Person("Lucas", "Vermeulen", new DateOnly(1975, 11, 3)));
            await CreateOrientationAsync(conseiller, new Person("Amandine", "Cousin", new DateOnly(1988, 2, 24), "Coudekerque-Branche"));
            await WaitForInboxTaskAsync(conseiller, FirstInterviewStep, person);
            await ScreenshotAsync(conseiller, "inbox");
        }

        await InterviewAndOpinionAsync(conseiller, person);

        var responsable = await app.SignInAsync("responsable");
        await ValidateAsync(responsable, person);

        // The eligibility check runs in the background: the review task appears once it has passed.
        var statistiques = await app.SignInAsync("statistiques");
        await ReviewDocumentsAsync(statistiques, person, accept: ["carte-identite.pdf", "facture-edf.pdf"], timeout: Background);

        await SignContractAsync(conseiller, person);

        // Admission is a background step too: the file says so once it has run.
        await WaitForStatusAsync(conseiller, person, "Participant PLIE");
        await Expect(conseiller.GetByTestId("file-referent")).ToHaveTextAsync("conseiller.dunkerque");
        await Expect(conseiller.GetByTestId("file-open-tasks")).ToContainTextAsync("Aucune tâche en cours.");
        await Expect(Document(conseiller, "carte-identite.pdf")).ToContainTextAsync("Acceptée");
        await Expect(Document(conseiller, "facture-edf.pdf")).ToContainTextAsync("Acceptée");
        await Expect(conseiller.GetByTestId("file-contract")).ToContainTextAsync("Signé le");

        var contractLink = conseiller.GetByTestId("file-contract-link");
        await Expect(contractLink).ToBeVisibleAsync();
        await Expect(contractLink).ToHaveAttributeAsync("href", $"/fichiers/participants/{person.Id}/contrat.pdf");
        var pdf = await conseiller.APIRequest.GetAsync($"/fichiers/participants/{person.Id}/contrat.pdf");
        Assert.Equal(200, pdf.Status);
        Assert.Equal("application/pdf", pdf.Headers["content-type"]);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await pdf.BodyAsync(), 0, 5));

        var timeline = conseiller.GetByTestId("file-timeline");
        foreach (var entry in new[]
                 {
                     "Procédure démarrée", $"Étape terminée : {FirstInterviewStep}", "Avis du conseiller : favorable",
                     "Entrée validée par le Responsable", "Pièces justificatives acceptées", $"Étape terminée : {ContractStep}",
                     "Procédure terminée",
                 })
            await Expect(timeline.GetByTestId("file-timeline-entry").Filter(new() { HasText = entry }).First).ToBeVisibleAsync();

        if (ScreenshotsWanted)
        {
            // The documents, the contract and the timeline in one picture.
            await conseiller.GetByTestId("file-documents").EvaluateAsync("e => { e.scrollIntoView({ block: 'start' }); window.scrollBy(0, -64); }");
            await ScreenshotAsync(conseiller, "participant-file");
        }

        await conseiller.Context.CloseAsync();
        await responsable.Context.CloseAsync();
        await statistiques.Context.CloseAsync();
    }

    [Fact]
    public async Task The_orientation_form_says_in_french_what_is_missing()
    {
        var conseiller = await app.SignInAsync("conseiller.dunkerque");
        await conseiller.GotoAsync("/orientation");
        await conseiller.GetByTestId("orientation-first-name").FillAsync("Sans");
        await conseiller.GetByTestId("orientation-submit").ClickAsync();

        await Expect(conseiller.GetByTestId("problem")).ToContainTextAsync("Le nom est obligatoire.");
        await Expect(conseiller.GetByTestId("problem")).ToContainTextAsync("La date de naissance est obligatoire.");
        await Expect(conseiller.GetByTestId("problem")).ToContainTextAsync("La commune est obligatoire.");
        await Expect(conseiller).ToHaveURLAsync(new Regex("/orientation$"));
        await conseiller.Context.CloseAsync();
    }
}
