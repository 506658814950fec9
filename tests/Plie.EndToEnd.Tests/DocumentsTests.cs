using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Plie.EndToEnd.Tests.IntakeDriver;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// A refused document: the case waits for a new one (the conseiller is told why), the reminder goes to the Responsable
/// after the configured delay (3 s here), and the case resumes by itself once the new document is uploaded.
/// </summary>
public sealed class DocumentsTests(ShortReminderApp app) : IClassFixture<ShortReminderApp>
{
    private const string RefusalReason = "Facture de plus de trois mois";

    [Fact]
    public async Task A_refused_proof_of_address_is_collected_again_reminded_to_the_responsable_and_the_case_resumes_by_itself()
    {
        var person = new Person("Nadia", "Lemaire", new DateOnly(1979, 9, 8));
        var conseiller = await app.SignInAsync("conseiller.dunkerque");
        await CreateOrientationAsync(conseiller, person);
        await UploadRequiredDocumentsAsync(conseiller, person);
        await InterviewAndOpinionAsync(conseiller, person);

        var responsable = await app.SignInAsync("responsable");
        await ValidateAsync(responsable, person);

        var statistiques = await app.SignInAsync("statistiques");
        await ReviewDocumentsAsync(statistiques, person, accept: ["carte-identite.pdf"], refuse: [("facture-edf.pdf", RefusalReason)],
            timeout: Background);

        // The conseiller is asked for the document, and sees why it was refused.
        await OpenTaskAsync(conseiller, CollectDocumentsStep, person);
        await Expect(conseiller.GetByTestId("collect-review-result")).ToContainTextAsync($"{AddressDocument} (refusée : {RefusalReason})");
        var toCollect = conseiller.GetByTestId("collect-document");
        await Expect(toCollect).ToHaveCountAsync(1);
        await Expect(toCollect).ToHaveAttributeAsync("data-type", "justificatif-domicile");
        await Expect(toCollect).ToContainTextAsync($"Refusée : {RefusalReason}");
        await OpenFileAsync(conseiller, person);
        await Expect(Document(conseiller, "facture-edf.pdf")).ToContainTextAsync("Refusée");
        await Expect(Document(conseiller, "facture-edf.pdf")).ToContainTextAsync(RefusalReason);
        await Expect(Document(conseiller, "carte-identite.pdf")).ToContainTextAsync("Acceptée");
        await Expect(conseiller.GetByTestId("file-open-task").Filter(new() { HasText = CollectDocumentsStep })).ToBeVisibleAsync();

        // Nothing uploaded within the delay: the Responsable gets a reminder task and records what was done.
        await OpenTaskAsync(responsable, ReminderStep, person, Background);
        await responsable.GetByTestId("field-reminderAction").GetByRole(AriaRole.Textbox).FillAsync("Appel de la personne : nouvelle facture sous huit jours.");
        await SubmitTaskAsync(responsable);

        // The new document: the case resumes by itself, nobody completes the collect task.
        await OpenTaskAsync(conseiller, CollectDocumentsStep, person);
        await UploadAsync(conseiller, null, "facture-recente.pdf", "collect-upload-justificatif-domicile");
        await PlieApp.WaitToLeaveAsync(conseiller, url => new Uri(url).AbsolutePath == "/", "La tâche n'est pas terminée");
        await Expect(conseiller.GetByText("Toutes les pièces sont déposées").First).ToBeVisibleAsync();
        await Expect(InboxRow(conseiller, CollectDocumentsStep, person)).ToHaveCountAsync(0);

        // Back to statistiques: only the new document waits for a decision.
        await OpenTaskAsync(statistiques, DocumentsReviewStep, person, Background);
        await Expect(ReviewDocument(statistiques, "facture-recente.pdf")).ToContainTextAsync("En attente de contrôle");
        await Expect(ReviewDocument(statistiques, "facture-edf.pdf")).ToContainTextAsync("Refusée");
        await ReviewDocumentsAsync(statistiques, person, accept: ["facture-recente.pdf"]);

        // The case goes on: the contract is the conseiller's next task.
        await WaitForInboxTaskAsync(conseiller, ContractStep, person);
        await OpenFileAsync(conseiller, person);
        await Expect(conseiller.GetByTestId("file-required-document").Filter(new() { HasText = "Acceptée" })).ToHaveCountAsync(2);
        await Expect(conseiller.GetByTestId("file-timeline-entry").Filter(new() { HasText = "Pièces déposées : la procédure reprend" })).ToHaveCountAsync(1);

        await conseiller.Context.CloseAsync();
        await responsable.Context.CloseAsync();
        await statistiques.Context.CloseAsync();
    }
}
