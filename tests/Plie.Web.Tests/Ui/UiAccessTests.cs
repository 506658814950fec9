using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace Plie.Web.Tests.Ui;

/// <summary>Until the real sign-in is wired in, the UI's placeholder: nobody is signed in, unless the development switch says so.</summary>
public sealed class UiAccessTests
{
    [Fact]
    public async Task Pages_redirect_to_the_sign_in_page_and_files_answer_401_without_a_user()
    {
        await using var app = new PlieWebFactory();
        await ((IAsyncLifetime)app).InitializeAsync();
        try
        {
            using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

            foreach (var page in new[] { "/", "/participants", $"/participants/{Guid.NewGuid()}", $"/taches/{Guid.NewGuid()}", "/orientation", "/referentiels" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, page);
                request.Headers.Add("Accept", "text/html,application/xhtml+xml");
                using var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{page}: {(int)response.StatusCode}");
                Assert.Equal("/compte/connexion?ReturnUrl=" + Uri.EscapeDataString(page), response.Headers.Location?.OriginalString);
            }

            foreach (var file in new[] { $"/fichiers/documents/{Guid.NewGuid()}", $"/fichiers/participants/{Guid.NewGuid()}/contrat.pdf" })
            {
                using var response = await client.GetAsync(file);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{file}: {(int)response.StatusCode}");
            }

            // The API and its OpenAPI document are untouched by the UI.
            using (var definitions = await client.GetAsync("/api/workflow/definitions")) Assert.Equal(HttpStatusCode.OK, definitions.StatusCode);
            using (var openApi = await client.GetAsync("/openapi/v1.json")) Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    [Theory]
    [InlineData("Development", HttpStatusCode.NotFound)] // signed in as the fake user: the file does not exist
    [InlineData("Production", HttpStatusCode.Unauthorized)] // the switch is ignored
    public async Task The_fake_user_switch_works_in_development_only(string environment, HttpStatusCode expected)
    {
        await using var app = new PlieWebFactory
        {
            Configure = b => b.UseEnvironment(environment)
                .UseSetting("Plie:Ui:DevUser:Id", "essai").UseSetting("Plie:Ui:DevUser:Roles", "superviseur"),
        };
        await ((IAsyncLifetime)app).InitializeAsync();
        try
        {
            using var client = app.CreateClient();
            using var response = await client.GetAsync($"/fichiers/documents/{Guid.NewGuid()}");
            Assert.Equal(expected, response.StatusCode);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }
}
