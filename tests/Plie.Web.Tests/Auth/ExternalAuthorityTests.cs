using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Plie.Testing;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Plie.Web.Tests.Auth;

/// <summary>
/// A second Plie configured with an external authority, which is the first Plie's embedded server: the external path
/// (OpenID Connect with a client secret and the userinfo endpoint, JwtBearer for the API) is configuration only.
/// The browser reaches the second app as "localhost" and the authority as "127.0.0.1", so their cookies stay apart.
/// </summary>
[Collection(AuthAppCollection.Name)]
public sealed class ExternalAuthorityTests(AuthApp authority) : IAsyncLifetime
{
    private ExternalApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new ExternalApp(authority.BaseUrl, await EngineHost.CreateDatabaseAsync());
        _app.Start();

        // The app's client at the authority, as an administrator would register it at Keycloak or Entra ID.
        await using var scope = authority.Services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        if (await manager.FindByClientIdAsync(ExternalApp.ClientId) is { } existing) await manager.DeleteAsync(existing);
        await manager.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ExternalApp.ClientId,
            ClientSecret = ExternalApp.ClientSecret,
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Implicit,
            RedirectUris = { new Uri(_app.BaseUrl, "signin-oidc") },
            PostLogoutRedirectUris = { new Uri(_app.BaseUrl, "signout-callback-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Scopes.Roles,
            },
        });
    }

    [Fact]
    public async Task The_app_signs_in_at_the_external_authority()
    {
        using var browser = new Browser(_app.BaseUrl);
        var challenge = await browser.Http.GetAsync("compte");
        var authorize = browser.Location(challenge);
        Assert.Equal(new Uri(authority.BaseUrl, "connect/authorize").AbsoluteUri, authorize.GetLeftPart(UriPartial.Path));
        Assert.Contains("client_id=plie-externe", authorize.Query, StringComparison.Ordinal);

        // The external app has no login page of its own.
        var ownLoginPage = await browser.Http.GetAsync("compte/connexion");
        Assert.Equal("/compte", browser.Location(ownLoginPage).AbsolutePath);

        var loginPage = await browser.FollowAsync(await browser.Http.GetAsync(authorize));
        Assert.Equal(authority.BaseUrl.Authority, loginPage.RequestMessage!.RequestUri!.Authority);
        var posted = await browser.PostLoginAsync(authority.BaseUrl, await loginPage.Content.ReadAsStringAsync(), "conseiller.dunkerque", "plie-demo");
        var account = await browser.FollowAsync(posted);
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Equal(_app.BaseUrl.Authority, account.RequestMessage!.RequestUri!.Authority);

        var me = await browser.Http.GetFromJsonAsync<JsonElement>("api/auth/me");
        Assert.Equal("conseiller.dunkerque", me.GetProperty("id").GetString());
        Assert.Equal("Camille Martin", me.GetProperty("displayName").GetString());
        Assert.Equal("conseiller", me.GetProperty("roles")[0].GetString());
        Assert.Equal("Dunkerque-Centre", me.GetProperty("antenne").GetString());
    }

    [Fact]
    public async Task The_API_accepts_the_authority_s_access_tokens()
    {
        var tokens = await CodeFlow.SignInAsync(authority, "gestionnaire");
        using var browser = new Browser(_app.BaseUrl);
        var me = await browser.Http.SendAsync(CodeFlow.Bearer(HttpMethod.Get, "api/auth/me", tokens.AccessToken));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var view = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("gestionnaire", view.GetProperty("id").GetString());
        Assert.Equal("gestionnaire-procedures", view.GetProperty("roles")[0].GetString());

        var forbidden = await browser.Http.SendAsync(CodeFlow.Bearer(HttpMethod.Get, "api/auth/users", tokens.AccessToken));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var anonymous = await browser.Http.GetAsync("api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await TestDatabases.DropAsync(_app.ConnectionString);
    }

    private sealed class ExternalApp(Uri authority, string connectionString) : WebApplicationFactory<Program>
    {
        public const string ClientId = "plie-externe";
        public const string ClientSecret = "secret-de-test";

        public string ConnectionString => connectionString;

        /// <summary>The app's address as "localhost" (it listens on 127.0.0.1).</summary>
        public Uri BaseUrl { get; private set; } = null!;

        public void Start()
        {
            UseKestrel(0);
            StartServer();
            var address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            BaseUrl = new UriBuilder(address) { Host = "localhost", Path = "/" }.Uri;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:Plie", connectionString);
            builder.UseSetting("Plie:Workflow:RunJobs", "false");
            builder.UseSetting("Plie:Auth:Authority", authority.AbsoluteUri);
            builder.UseSetting("Plie:Auth:ClientId", ClientId);
            builder.UseSetting("Plie:Auth:ClientSecret", ClientSecret);
            builder.UseSetting("Plie:Auth:Scopes", "openid profile roles");
            builder.UseSetting("Plie:Auth:Audience", "plie-api");
            builder.UseSetting("Plie:Auth:RequireHttpsMetadata", "false");
        }
    }
}
