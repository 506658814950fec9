using System.Net;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Plie.Application.Common;
using Plie.Web.Hosting;

namespace Plie.Web.Tests.Ui;

public sealed class UiPagesTests : UiTestBase
{
    [Fact]
    public async Task Pages_open_for_a_signed_in_user_and_role_restricted_ones_only_for_their_role()
    {
        using (var anonymous = await GetAs(null, "/", "text/html"))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using (var inbox = await GetAs(TestPrincipal.ConseillerDunkerque, "/", "text/html"))
        {
            Assert.Equal(HttpStatusCode.OK, inbox.StatusCode);
            Assert.Equal("text/html", inbox.Content.Headers.ContentType?.MediaType);
            var html = await inbox.Content.ReadAsStringAsync();
            Assert.Contains("<html lang=\"fr\">", html);
            Assert.Contains("<title>Plie — PLIE du Dunkerquois</title>", html);
            Assert.Contains("_framework/blazor.web", html);
            Assert.Contains("MudBlazor.min", html);
        }

        (TestPrincipal User, string Page, HttpStatusCode Expected)[] cases =
        [
            (TestPrincipal.ConseillerDunkerque, "/orientation", HttpStatusCode.OK),
            (TestPrincipal.Statistiques, "/orientation", HttpStatusCode.Forbidden),
            (TestPrincipal.ConseillerDunkerque, "/referentiels", HttpStatusCode.Forbidden),
            (TestPrincipal.Administrateur, "/referentiels", HttpStatusCode.OK),
            (TestPrincipal.Statistiques, "/participants", HttpStatusCode.OK),
            (TestPrincipal.Statistiques, $"/taches/{Guid.NewGuid()}", HttpStatusCode.OK),
        ];
        foreach (var (user, page, expected) in cases)
        {
            using var response = await GetAs(user, page, "text/html");
            Assert.True(response.StatusCode == expected, $"{user.Id} {page}: {(int)response.StatusCode}, expected {(int)expected}");
        }
    }

    [Fact]
    public async Task A_use_case_sent_for_a_circuit_acts_as_its_user_never_as_the_system()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<UiUserContext>();
        var user = scope.ServiceProvider.GetRequiredService<ICurrentUser>();
        Assert.Equal("system", user.Id); // no circuit, no request: a background step

        context.Set(Anonymous);
        Assert.Equal("anonyme", user.Id);
        Assert.Empty(user.Roles);
        Assert.False(user.IsInRole(PlieRoles.Superviseur));

        context.Set(TestPrincipal.ConseillerDunkerque.ToClaims());
        Assert.Equal("conseiller.dk", user.Id);
        Assert.Equal("Dunkerque-Centre", user.Antenne);
        Assert.Equal([PlieRoles.Conseiller], user.Roles);

        // What the UI sends runs in a scope of its own, as the circuit's user: an anonymous circuit may not save reference data.
        var sender = new UiSender(scope.ServiceProvider.GetRequiredService<IServiceScopeFactory>(), NewContext(Anonymous));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => sender.Command(
            new Plie.Application.ReferenceData.SaveReferenceItemCommand(null, "frein", "essai", "Essai", new DateOnly(2026, 1, 1), null, null)));
        var admin = new UiSender(scope.ServiceProvider.GetRequiredService<IServiceScopeFactory>(), NewContext(TestPrincipal.Administrateur.ToClaims()));
        Assert.True(await admin.Command(
            new Plie.Application.ReferenceData.SaveReferenceItemCommand(null, "frein", "essai", "Essai", new DateOnly(2026, 1, 1), null, null)) > 0);
        Assert.Equal("admin", admin.User.Id);
    }

    private static UiUserContext NewContext(System.Security.Claims.ClaimsPrincipal user)
    {
        var context = new UiUserContext();
        context.Set(user);
        return context;
    }
}
