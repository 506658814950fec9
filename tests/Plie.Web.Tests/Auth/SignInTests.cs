using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Plie.Application.Common;
using Plie.Infrastructure.Identity;
using Plie.Web.Auth;

namespace Plie.Web.Tests.Auth;

[Collection(AuthAppCollection.Name)]
public sealed class SignInTests(AuthApp app)
{
    [Theory]
    [InlineData("api/workflow/definitions")]
    [InlineData("api/auth/me")]
    [InlineData("api/auth/users")]
    public async Task Api_without_credentials_is_401_not_a_redirect(string url)
    {
        using var browser = app.NewBrowser();
        var response = await browser.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Authentification requise", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Api_with_an_invalid_bearer_token_is_401()
    {
        using var browser = app.NewBrowser();
        var response = await browser.Http.SendAsync(CodeFlow.Bearer(HttpMethod.Get, "api/auth/me", "pas-un-jeton"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_page_without_session_goes_to_the_login_page_through_the_authorize_endpoint()
    {
        using var browser = app.NewBrowser();
        var response = await browser.Http.GetAsync("compte");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var authorize = browser.Location(response);
        Assert.Equal(new Uri(app.BaseUrl, "connect/authorize").AbsoluteUri, authorize.GetLeftPart(UriPartial.Path));
        Assert.Contains("client_id=plie-web", authorize.Query, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", authorize.Query, StringComparison.Ordinal);
        Assert.Contains("response_type=code", authorize.Query, StringComparison.Ordinal);

        var toLogin = await browser.Http.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, toLogin.StatusCode);
        var login = browser.Location(toLogin);
        Assert.Equal("/compte/connexion", login.AbsolutePath);
        Assert.Contains("ReturnUrl=%2Fconnect%2Fauthorize", login.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_login_page_is_in_French_with_the_demo_accounts()
    {
        using var browser = app.NewBrowser();
        var response = await browser.Http.GetAsync("compte/connexion");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<label for=\"login\">Identifiant</label>", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"password\">Mot de passe</label>", html, StringComparison.Ordinal);
        Assert.Contains("Se connecter</button>", html, StringComparison.Ordinal);
        Assert.NotNull(Browser.HiddenField(html, "__RequestVerificationToken"));
        foreach (var login in (string[])["conseiller.dunkerque", "conseiller.grande-synthe", "responsable", "statistiques",
                     "conseiller.emploi", "referent.orientation", "superviseur", "gestionnaire", "admin"])
            Assert.Contains($"<code>{login}</code>", html, StringComparison.Ordinal);
        Assert.Contains("plie-demo", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_shows_the_French_error()
    {
        using var browser = app.NewBrowser();
        var (_, challenge) = CodeFlow.Pkce();
        var loginPage = await browser.FollowAsync(await browser.Http.GetAsync(CodeFlow.AuthorizeUrl(app.BaseUrl, challenge)));
        var html = await loginPage.Content.ReadAsStringAsync();

        var response = await browser.PostLoginAsync(html, "conseiller.dunkerque", "mauvais-mot-de-passe");
        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Identifiant ou mot de passe incorrect.", page, StringComparison.Ordinal);
        // The return URL is kept for the next try.
        Assert.StartsWith("/connect/authorize?", Browser.HiddenField(page, "ReturnUrl"), StringComparison.Ordinal);

        var unknown = await browser.PostLoginAsync(page, "inconnu", "plie-demo");
        Assert.Contains("Identifiant ou mot de passe incorrect.", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_login_without_the_anti_forgery_token_is_refused()
    {
        using var browser = app.NewBrowser();
        await browser.Http.GetAsync("compte/connexion");
        var response = await browser.Http.PostAsync("compte/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["login"] = "admin",
            ["password"] = "plie-demo",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == ".Plie.Connexion");
    }

    [Fact]
    public async Task The_code_flow_with_PKCE_gives_an_access_token_with_roles_and_antenne_that_the_API_accepts()
    {
        var tokens = await CodeFlow.SignInAsync(app, "conseiller.dunkerque");

        var claims = CodeFlow.Payload(tokens.AccessToken);
        Assert.Equal("conseiller.dunkerque", claims.GetProperty("sub").GetString());
        Assert.Equal("Camille Martin", claims.GetProperty("name").GetString());
        Assert.Equal(["conseiller"], Strings(claims.GetProperty("role")));
        Assert.Equal("Dunkerque-Centre", claims.GetProperty("antenne").GetString());
        Assert.Equal(app.BaseUrl.AbsoluteUri, claims.GetProperty("iss").GetString());
        Assert.Equal("plie-api", claims.GetProperty("aud").GetString());

        var idToken = CodeFlow.Payload(tokens.IdToken!);
        Assert.Equal("Dunkerque-Centre", idToken.GetProperty("antenne").GetString());
        Assert.True(idToken.TryGetProperty("role", out var idRoles), idToken.ToString());
        Assert.Equal(["conseiller"], Strings(idRoles));

        using var browser = app.NewBrowser();
        var me = await browser.Http.SendAsync(CodeFlow.Bearer(HttpMethod.Get, "api/auth/me", tokens.AccessToken));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var view = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("conseiller.dunkerque", view.GetProperty("id").GetString());
        Assert.Equal("Camille Martin", view.GetProperty("displayName").GetString());
        Assert.Equal(["conseiller"], Strings(view.GetProperty("roles")));
        Assert.Equal("Dunkerque-Centre", view.GetProperty("antenne").GetString());
    }

    [Fact]
    public async Task The_tools_client_shows_the_code_to_exchange_for_a_token()
    {
        using var browser = app.NewBrowser();
        var (verifier, challenge) = CodeFlow.Pkce();
        var redirectUri = new Uri(app.BaseUrl, "compte/code");
        var loginPage = await browser.FollowAsync(await browser.Http.GetAsync(
            CodeFlow.AuthorizeUrl(app.BaseUrl, challenge, clientId: "plie-cli", redirectUri: redirectUri)));
        var codePage = await browser.FollowAsync(await browser.PostLoginAsync(await loginPage.Content.ReadAsStringAsync(), "admin", "plie-demo"));
        var html = await codePage.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, codePage.StatusCode);
        Assert.Contains("Code d'autorisation", html, StringComparison.Ordinal);
        var code = System.Text.RegularExpressions.Regex.Match(html, "<code id=\"code\">([^<]+)</code>").Groups[1].Value;

        var response = await browser.Http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = "plie-cli",
            ["code"] = System.Net.WebUtility.HtmlDecode(code),
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["code_verifier"] = verifier,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accessToken = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        var users = await browser.Http.SendAsync(CodeFlow.Bearer(HttpMethod.Get, "api/auth/users", accessToken));
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
    }

    [Fact]
    public async Task A_code_is_refused_without_the_right_PKCE_verifier()
    {
        using var browser = app.NewBrowser();
        var (_, challenge) = CodeFlow.Pkce();
        var code = await CodeFlow.GetCodeAsync(browser, "responsable", "plie-demo", challenge);
        var response = await browser.Http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = "plie-web",
            ["code"] = code,
            ["redirect_uri"] = CodeFlow.RedirectUri(app.BaseUrl).AbsoluteUri,
            ["code_verifier"] = CodeFlow.Pkce().Verifier,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_grant", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refresh_token_gives_a_new_access_token()
    {
        var tokens = await CodeFlow.SignInAsync(app, "superviseur");
        Assert.NotNull(tokens.RefreshToken);
        using var browser = app.NewBrowser();
        var refreshed = await CodeFlow.RefreshAsync(browser.Http, tokens.RefreshToken);
        Assert.Equal(["superviseur"], Strings(CodeFlow.Payload(refreshed.AccessToken).GetProperty("role")));
        var me = await browser.Http.SendAsync(CodeFlow.Bearer(HttpMethod.Get, "api/auth/me", refreshed.AccessToken));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task A_role_without_the_policy_gets_403_and_the_right_role_gets_in()
    {
        var statistiques = await CodeFlow.SignInAsync(app, "statistiques");
        var admin = await CodeFlow.SignInAsync(app, "admin");
        using var browser = app.NewBrowser();

        var refused = await browser.Http.SendAsync(CodeFlow.Bearer(HttpMethod.Get, "api/auth/users", statistiques.AccessToken));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Null(refused.Headers.Location);
        Assert.Equal("Accès refusé", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());

        var allowed = await browser.Http.SendAsync(CodeFlow.Bearer(HttpMethod.Get, "api/auth/users", admin.AccessToken));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var users = await allowed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(users.EnumerateArray(), u => u.GetProperty("id").GetString() == "conseiller.grande-synthe"
                                                     && u.GetProperty("antenne").GetString() == "Grande-Synthe");
    }

    [Theory]
    [InlineData(PliePolicies.Designer, PlieRoles.GestionnaireProcedures, true)]
    [InlineData(PliePolicies.Designer, PlieRoles.Administrateur, true)]
    [InlineData(PliePolicies.Designer, PlieRoles.Statistiques, false)]
    [InlineData(PliePolicies.Designer, PlieRoles.Superviseur, false)]
    [InlineData(PliePolicies.Supervision, PlieRoles.Superviseur, true)]
    [InlineData(PliePolicies.Supervision, PlieRoles.ResponsableAccompagnement, true)]
    [InlineData(PliePolicies.Supervision, PlieRoles.Administrateur, true)]
    [InlineData(PliePolicies.Supervision, PlieRoles.Conseiller, false)]
    [InlineData(PliePolicies.Administration, PlieRoles.Administrateur, true)]
    [InlineData(PliePolicies.Administration, PlieRoles.GestionnaireProcedures, false)]
    [InlineData(PliePolicies.Authenticated, PlieRoles.ConseillerEmploi, true)]
    [InlineData(PliePolicies.Authenticated, "inconnu", false)]
    public async Task Policies_accept_their_roles(string policy, string role, bool allowed)
    {
        var authorization = app.Services.GetRequiredService<IAuthorizationService>();
        var user = PlieIdentity.Create("x", "X", [role], null);
        var result = await authorization.AuthorizeAsync(user, policy);
        Assert.Equal(allowed, result.Succeeded);
        Assert.False((await authorization.AuthorizeAsync(new ClaimsPrincipal(new ClaimsIdentity()), policy)).Succeeded);
    }

    [Fact]
    public async Task The_app_signs_in_as_an_OpenID_Connect_client_then_signs_out()
    {
        using var browser = app.NewBrowser();
        // /compte → authorize → login page
        var loginPage = await browser.FollowAsync(await browser.Http.GetAsync("compte"));
        Assert.Equal("/compte/connexion", loginPage.RequestMessage!.RequestUri!.AbsolutePath);

        // credentials → authorize → /signin-oidc (the app redeems the code at /connect/token) → /compte
        var posted = await browser.PostLoginAsync(await loginPage.Content.ReadAsStringAsync(), "Conseiller.Grande-Synthe", "plie-demo");
        var account = await browser.FollowAsync(posted);
        var html = await account.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Equal("/compte", account.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Karim Benali", html, StringComparison.Ordinal);
        Assert.Contains("Grande-Synthe", html, StringComparison.Ordinal);
        Assert.Contains("Conseiller (référent de parcours)", html, StringComparison.Ordinal);

        // The session cookie works for the API too (roles as ClaimTypes.Role).
        var me = await browser.Http.GetFromJsonAsync<JsonElement>("api/auth/me");
        Assert.Equal(["conseiller"], Strings(me.GetProperty("roles")));
        Assert.Equal("Grande-Synthe", me.GetProperty("antenne").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.GetAsync("api/auth/users")).StatusCode);

        // A page the role may not open: the French access-denied page.
        var denied = await browser.FollowAsync(await browser.Http.GetAsync("compte/acces-refuse"));
        Assert.Contains("Accès refusé", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Sign-out: the app's session, then the server's (end-session endpoint), back to the signed-out page.
        var signedOut = await browser.FollowAsync(await browser.Http.GetAsync("compte/deconnexion"));
        Assert.Equal("/compte/deconnecte", signedOut.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Vous êtes déconnecté", await signedOut.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.GetAsync("api/auth/me")).StatusCode);

        // The server's session is gone too: the next sign-in asks for the password again.
        var again = await browser.FollowAsync(await browser.Http.GetAsync("compte"));
        Assert.Equal("/compte/connexion", again.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task A_session_follows_its_account_new_roles_then_deactivation()
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<PlieAccounts>();
            if (await accounts.FindAsync("test.session") is null)
            {
                accounts.Create("test.session", "Compte de test", "mot-de-passe-de-test", [PlieRoles.Conseiller], "Dunkerque-Centre");
                await scope.ServiceProvider.GetRequiredService<AuthDbContext>().SaveChangesAsync();
            }
        }
        using var browser = app.NewBrowser();
        var loginPage = await browser.FollowAsync(await browser.Http.GetAsync("compte"));
        await browser.FollowAsync(await browser.PostLoginAsync(await loginPage.Content.ReadAsStringAsync(), "test.session", "mot-de-passe-de-test"));
        Assert.Equal(["conseiller"], Strings((await browser.Http.GetFromJsonAsync<JsonElement>("api/auth/me")).GetProperty("roles")));

        await UpdateAsync(u => u.Roles = [PlieRoles.Superviseur]);
        Assert.Equal(["superviseur"], Strings((await browser.Http.GetFromJsonAsync<JsonElement>("api/auth/me")).GetProperty("roles")));

        await UpdateAsync(u => u.Active = false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.GetAsync("api/auth/me")).StatusCode);
        // The cookie was deleted: reactivating the account does not bring the session back.
        await UpdateAsync(u => u.Active = true);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.GetAsync("api/auth/me")).StatusCode);
    }

    private async Task UpdateAsync(Action<PlieUser> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        change(await db.Users.SingleAsync(u => u.Id == "test.session"));
        await db.SaveChangesAsync();
    }

    private static string[] Strings(JsonElement element) => element.ValueKind == JsonValueKind.Array
        ? element.EnumerateArray().Select(e => e.GetString()!).ToArray()
        : [element.GetString()!];
}
