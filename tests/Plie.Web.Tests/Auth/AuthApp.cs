using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Plie.Testing;

namespace Plie.Web.Tests.Auth;

/// <summary>
/// The whole app on Kestrel (127.0.0.1, random port) over a fresh migrated database, so that the OpenID Connect client
/// can reach the embedded server over real HTTP (discovery, code exchange) exactly as in production.
/// </summary>
public sealed class AuthApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string _connectionString = "";

    /// <summary>The server's address, with a trailing slash.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await EngineHost.CreateDatabaseAsync();
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address.TrimEnd('/') + "/");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Plie", _connectionString);
        builder.UseSetting("Plie:Auth:EphemeralKeys", "true");
        // Sessions re-read their account at every request (tests of deactivation and role changes).
        builder.UseSetting("Plie:Auth:SessionCheckInterval", "00:00:00");
        builder.UseSetting("Plie:Workflow:RunJobs", "false");
    }

    /// <summary>A client that keeps cookies and does not follow redirects, like a browser driven step by step.</summary>
    public Browser NewBrowser() => new(BaseUrl);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await TestDatabases.DropAsync(_connectionString);
    }
}

[CollectionDefinition(Name)]
public sealed class AuthAppCollection : ICollectionFixture<AuthApp>
{
    public const string Name = "auth-app";
}

public sealed class Browser : IDisposable
{
    public Browser(Uri baseUrl)
    {
        BaseUrl = baseUrl;
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = Cookies })
        {
            BaseAddress = baseUrl,
        };
    }

    public Uri BaseUrl { get; }
    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }

    /// <summary>Follows redirects (GET) until a response is not a redirect or <paramref name="stop"/> says so; returns it.</summary>
    public async Task<HttpResponseMessage> FollowAsync(HttpResponseMessage response, Func<Uri, bool>? stop = null, int max = 10)
    {
        for (var i = 0; i < max && IsRedirect(response); i++)
        {
            var next = Location(response);
            if (stop?.Invoke(next) == true) return response;
            response = await Http.GetAsync(next);
        }
        return response;
    }

    public static bool IsRedirect(HttpResponseMessage response) => (int)response.StatusCode is >= 300 and < 400;

    public Uri Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location
            ? new Uri(response.RequestMessage?.RequestUri ?? BaseUrl, location)
            : throw new InvalidOperationException("No Location header.");

    /// <summary>Fills and posts the login form of <paramref name="loginPage"/>, with its anti-forgery token and return URL.</summary>
    public Task<HttpResponseMessage> PostLoginAsync(string loginPage, string login, string password) =>
        PostLoginAsync(BaseUrl, loginPage, login, password);

    /// <summary>The same, for the login page of the server at <paramref name="serverUrl"/>.</summary>
    public async Task<HttpResponseMessage> PostLoginAsync(Uri serverUrl, string loginPage, string login, string password)
    {
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = HiddenField(loginPage, "__RequestVerificationToken") ?? throw new InvalidOperationException("No anti-forgery token."),
            ["login"] = login,
            ["password"] = password,
        };
        if (HiddenField(loginPage, "ReturnUrl") is { } returnUrl) fields["ReturnUrl"] = returnUrl;
        return await Http.PostAsync(new Uri(serverUrl, "compte/connexion"), new FormUrlEncodedContent(fields));
    }

    public static string? HiddenField(string html, string name)
    {
        var match = Regex.Match(html, $"<input type=\"hidden\" name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\">");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    public void Dispose() => Http.Dispose();
}

/// <summary>The OAuth client side of the code flow, played by the test: PKCE, authorize, login, code, token.</summary>
public static class CodeFlow
{
    public sealed record Tokens(string AccessToken, string? IdToken, string? RefreshToken);

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier))));
    }

    public static Uri RedirectUri(Uri baseUrl) => new(baseUrl, "signin-oidc");

    public static string AuthorizeUrl(Uri baseUrl, string challenge, string scope = "openid profile roles offline_access",
        string state = "etat-de-test", string clientId = "plie-web", Uri? redirectUri = null) =>
        "connect/authorize?" + string.Join('&', new Dictionary<string, string>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = (redirectUri ?? RedirectUri(baseUrl)).AbsoluteUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = state,
            ["nonce"] = "nonce-de-test",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>authorize → login page → credentials → authorize → redirect URI with the code (not followed) → the code.</summary>
    public static async Task<string> GetCodeAsync(Browser browser, string login, string password, string challenge)
    {
        var response = await browser.Http.GetAsync(AuthorizeUrl(browser.BaseUrl, challenge));
        var loginPage = await browser.FollowAsync(response);
        Assert.Equal(HttpStatusCode.OK, loginPage.StatusCode);
        Assert.Equal("/compte/connexion", loginPage.RequestMessage!.RequestUri!.AbsolutePath);

        var posted = await browser.PostLoginAsync(await loginPage.Content.ReadAsStringAsync(), login, password);
        Assert.True(Browser.IsRedirect(posted), $"login refused: {posted.StatusCode}");
        var callback = await browser.FollowAsync(posted, stop: u => u.AbsolutePath == "/signin-oidc");
        var location = browser.Location(callback);
        Assert.Equal("/signin-oidc", location.AbsolutePath);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("etat-de-test", query["state"].ToString());
        return query["code"].ToString();
    }

    public static async Task<Tokens> RedeemAsync(Browser browser, string code, string verifier)
    {
        var response = await browser.Http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = "plie-web",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri(browser.BaseUrl).AbsoluteUri,
            ["code_verifier"] = verifier,
        }));
        return await ReadTokensAsync(response);
    }

    public static async Task<Tokens> RefreshAsync(HttpClient http, string refreshToken)
    {
        var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = "plie-web",
            ["refresh_token"] = refreshToken,
        }));
        return await ReadTokensAsync(response);
    }

    /// <summary>The whole flow in a fresh browser: an access token (and the rest) for <paramref name="login"/>.</summary>
    public static async Task<Tokens> SignInAsync(AuthApp app, string login, string password = "plie-demo")
    {
        using var browser = app.NewBrowser();
        var (verifier, challenge) = Pkce();
        var code = await GetCodeAsync(browser, login, password, challenge);
        return await RedeemAsync(browser, code, verifier);
    }

    public static HttpRequestMessage Bearer(HttpMethod method, string url, string accessToken)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }

    /// <summary>The payload of a JWS (the access tokens are signed, not encrypted).</summary>
    public static JsonElement Payload(string jwt)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        return JsonDocument.Parse(Base64UrlEncoder.Decode(parts[1])).RootElement.Clone();
    }

    private static async Task<Tokens> ReadTokensAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token endpoint: {response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new Tokens(json.GetProperty("access_token").GetString()!,
            json.TryGetProperty("id_token", out var id) ? id.GetString() : null,
            json.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null);
    }
}
