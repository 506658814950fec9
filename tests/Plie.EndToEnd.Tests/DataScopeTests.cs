using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Plie.EndToEnd.Tests.IntakeDriver;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// A conseiller sees the files of his antenne: a file of Dunkerque-Centre, signed contract included, is neither shown,
/// nor listed, nor served to the conseiller of Grande-Synthe — on the screens and on the file endpoints alike.
/// </summary>
public sealed class DataScopeTests(PlieApp app) : IClassFixture<PlieApp>
{
    private const string NotAccessible = "Ce dossier n'existe pas ou ne vous est pas accessible.";

    [Fact]
    public async Task A_file_of_another_antenne_is_not_found_by_a_conseiller_on_the_screens_nor_on_the_endpoints()
    {
        var person = new Person("Jérôme", "Castelain", new DateOnly(1972, 1, 30));
        var dunkerque = await app.SignInAsync("conseiller.dunkerque");
        await CreateOrientationAsync(dunkerque, person);
        await UploadRequiredDocumentsAsync(dunkerque, person);
        var documentId = await Document(dunkerque, "carte-identite.pdf").GetAttributeAsync("data-document-id");
        await InterviewAndOpinionAsync(dunkerque, person);
        var responsable = await app.SignInAsync("responsable");
        await ValidateAsync(responsable, person);
        var statistiques = await app.SignInAsync("statistiques");
        await ReviewDocumentsAsync(statistiques, person, accept: ["carte-identite.pdf", "facture-edf.pdf"], timeout: Background);

        // While the contract task is open: the other antenne neither lists it, nor reads it, nor opens its page.
        var grandeSynthe = await app.SignInAsync("conseiller.grande-synthe");
        var taskId = await (await WaitForInboxTaskAsync(dunkerque, ContractStep, person)).GetAttributeAsync("data-task-id");
        Assert.Equal(1, await TotalAsync(dunkerque, $"/api/workflow/tasks?businessKey={person.Id}"));
        Assert.Equal(0, await TotalAsync(grandeSynthe, $"/api/workflow/tasks?businessKey={person.Id}"));
        Assert.Equal(404, (await grandeSynthe.APIRequest.GetAsync($"/api/workflow/tasks/{taskId}")).Status);
        var instances = await grandeSynthe.APIRequest.GetAsync($"/api/workflow/instances?businessKey={person.Id}");
        Assert.True(instances.Status is 403 or 404 || (instances.Status == 200 && await TotalAsync(instances) == 0),
            $"GET /api/workflow/instances?businessKey=… : {instances.Status} {await instances.TextAsync()}");
        await grandeSynthe.GotoAsync($"/taches/{taskId}");
        await Expect(grandeSynthe.GetByTestId("problem")).ToContainTextAsync("Introuvable");
        await Expect(grandeSynthe.GetByTestId("task-form")).ToHaveCountAsync(0);
        await Expect(grandeSynthe.GetByTestId("participant-file")).ToHaveCountAsync(0);
        await Expect(grandeSynthe.Locator("body")).Not.ToContainTextAsync("Castelain", new() { IgnoreCase = true });
        await grandeSynthe.GotoAsync("/");
        await Expect(grandeSynthe.GetByTestId("inbox-empty")).ToBeVisibleAsync();
        await Expect(InboxRow(grandeSynthe, ContractStep, person)).ToHaveCountAsync(0);

        await SignContractAsync(dunkerque, person);
        await WaitForStatusAsync(dunkerque, person, "Participant PLIE");

        // The owner's antenne gets the files (so the 404s below are about scope, not about missing files).
        var documentUrl = $"/fichiers/documents/{documentId}";
        var contractUrl = $"/fichiers/participants/{person.Id}/contrat.pdf";
        Assert.Equal(200, (await dunkerque.APIRequest.GetAsync(documentUrl)).Status);
        Assert.Equal(200, (await dunkerque.APIRequest.GetAsync(contractUrl)).Status);

        // The file page: a French message, none of the data.
        await grandeSynthe.GotoAsync($"/participants/{person.Id}");
        await Expect(grandeSynthe.GetByTestId("problem")).ToContainTextAsync("Introuvable");
        await Expect(grandeSynthe.GetByTestId("problem")).ToContainTextAsync(NotAccessible);
        await Expect(grandeSynthe.GetByTestId("participant-file")).ToHaveCountAsync(0);
        await Expect(grandeSynthe.Locator("body")).Not.ToContainTextAsync("Castelain", new() { IgnoreCase = true });

        // The search lists nothing of it, with or without a name.
        await grandeSynthe.GotoAsync("/participants");
        await Expect(grandeSynthe.GetByTestId("participants-count")).ToBeVisibleAsync();
        await Expect(grandeSynthe.GetByTestId("participants-row").Filter(new() { HasText = "Castelain" })).ToHaveCountAsync(0);
        await grandeSynthe.GetByTestId("participants-search-name").FillAsync("Castelain");
        await grandeSynthe.GetByTestId("participants-search-submit").ClickAsync();
        await Expect(grandeSynthe.GetByTestId("participants-count")).ToHaveTextAsync("Aucun dossier trouvé.");
        await Expect(grandeSynthe.GetByTestId("participants-row")).ToHaveCountAsync(0);

        // The owner finds it by the same search.
        await dunkerque.GotoAsync("/participants");
        await dunkerque.GetByTestId("participants-search-name").FillAsync("Castelain");
        await dunkerque.GetByTestId("participants-search-submit").ClickAsync();
        await Expect(dunkerque.GetByTestId("participants-count")).ToHaveTextAsync("1 dossier trouvé.");

        // The endpoints answer 404 with the session cookie of the other antenne, as for a file that does not exist.
        var document = await grandeSynthe.APIRequest.GetAsync(documentUrl);
        Assert.Equal(404, document.Status);
        Assert.DoesNotContain("%PDF", await document.TextAsync());
        Assert.Equal(404, (await grandeSynthe.APIRequest.GetAsync(contractUrl)).Status);
        Assert.Equal(404, (await grandeSynthe.APIRequest.GetAsync($"/fichiers/documents/{Guid.NewGuid()}")).Status);

        await dunkerque.Context.CloseAsync();
        await responsable.Context.CloseAsync();
        await statistiques.Context.CloseAsync();
        await grandeSynthe.Context.CloseAsync();
    }

    /// <summary>The « total » of a paged API answer, read with the page's session cookie.</summary>
    private static async Task<int> TotalAsync(IPage page, string url)
    {
        var response = await page.APIRequest.GetAsync(url);
        Assert.Equal(200, response.Status);
        return await TotalAsync(response);
    }

    private static async Task<int> TotalAsync(IAPIResponse response) =>
        (await response.JsonAsync())!.Value.GetProperty("total").GetInt32();
}
