using Microsoft.Playwright;

namespace Plie.EndToEnd.Tests;

public sealed class SignInTests(PlieApp app) : IClassFixture<PlieApp>
{
    [Fact]
    public async Task A_wrong_password_is_refused_in_french_and_the_right_one_signs_in()
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Identifiant").FillAsync("conseiller.dunkerque");
        await page.GetByLabel("Mot de passe").FillAsync("mauvais");
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Identifiant ou mot de passe incorrect.")).ToBeVisibleAsync();

        var signedIn = await app.SignInAsync("conseiller.dunkerque");
        Assert.DoesNotContain("/compte/connexion", signedIn.Url);
        await context.CloseAsync();
        await signedIn.Context.CloseAsync();
    }
}
