using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Plie.EndToEnd.Tests.IntakeDriver;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// The administrateur renames an antenne in « Référentiels »: its files and its counsellors' accounts follow, so the
/// counsellor of that antenne still finds the files after signing in again.
/// </summary>
public sealed class ReferenceDataTests(PlieApp app) : IClassFixture<PlieApp>
{
    [Fact]
    public async Task Renaming_an_antenne_keeps_its_files_with_its_counsellor()
    {
        var person = new Person("Yasmina", "Haddouche", new DateOnly(1979, 6, 2), "Grande-Synthe");
        var conseiller = await app.SignInAsync("conseiller.grande-synthe");
        await CreateOrientationAsync(conseiller, person);
        await Expect(conseiller.GetByTestId("file-antenne")).ToHaveTextAsync("Grande-Synthe");

        var admin = await app.SignInAsync("admin");
        await admin.GotoAsync("/referentiels");
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Antennes" }).ClickAsync();
        var row = admin.GetByTestId("antenne-row").And(admin.Locator("[data-code='grande-synthe']"));
        await row.GetByTestId("antenne-edit").ClickAsync();
        var name = admin.GetByTestId("antenne-name");
        await Expect(name).ToHaveValueAsync("Grande-Synthe");
        // A name already taken is refused, in French, and nothing changes.
        await name.FillAsync("Gravelines");
        await admin.GetByTestId("antenne-save").ClickAsync();
        await Expect(admin.GetByTestId("problem").Filter(new() { HasText = "s'appelle déjà « Gravelines »" }).First).ToBeVisibleAsync();

        await name.FillAsync("Grande-Synthe Fort-Mardyck");
        await name.BlurAsync();
        await Expect(admin.GetByTestId("antenne-rename-warning")).ToContainTextAsync("déplace les dossiers de « Grande-Synthe »");
        await admin.GetByTestId("antenne-save").ClickAsync();
        await Expect(admin.GetByTestId("antenne-save")).ToBeHiddenAsync();
        await Expect(row).ToContainTextAsync("Grande-Synthe Fort-Mardyck");

        // The counsellor signs in again: the file is still his, under the new name; the other antenne still cannot see it.
        var again = await app.SignInAsync("conseiller.grande-synthe");
        await OpenFileAsync(again, person);
        await Expect(again.GetByTestId("file-antenne")).ToHaveTextAsync("Grande-Synthe Fort-Mardyck");
        var other = await app.SignInAsync("conseiller.dunkerque");
        await other.GotoAsync($"/participants/{person.Id}");
        await Expect(other.GetByTestId("problem")).ToContainTextAsync("Introuvable");
    }
}
