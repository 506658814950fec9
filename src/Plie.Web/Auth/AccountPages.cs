using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Plie.Application.Common;
using Plie.Infrastructure.Identity;

namespace Plie.Web.Auth;

/// <summary>
/// The account pages, in French, as plain HTML (no JavaScript): the embedded server's login page
/// (<c>/compte/connexion</c>), the signed-in user's page (<c>/compte</c>), sign-out and the signed-out, access-denied
/// and sign-in-failure pages.
/// </summary>
public static class AccountPages
{
    public const string LoginPath = "/compte/connexion";
    public const string LogoutPath = "/compte/deconnexion";
    public const string CodePath = "/compte/code";
    public const string WrongCredentials = "Identifiant ou mot de passe incorrect.";

    public static IEndpointRouteBuilder MapAccountPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/compte").ExcludeFromDescription();
        group.MapGet("", AccountAsync).RequireAuthorization(PliePolicies.SignedIn);
        group.MapGet("/connexion", LoginPageAsync).AllowAnonymous();
        group.MapPost("/connexion", LoginAsync).AllowAnonymous();
        group.MapMethods("/deconnexion", [HttpMethods.Get, HttpMethods.Post], LogoutAsync).AllowAnonymous();
        group.MapGet("/code", CodePage).AllowAnonymous();
        group.MapGet("/deconnecte", () => Page("Déconnexion", StatusCodes.Status200OK,
            "<h1>Vous êtes déconnecté</h1><p><a class=\"button\" href=\"/compte\">Se reconnecter</a></p>")).AllowAnonymous();
        group.MapGet("/acces-refuse", () => Page("Accès refusé", StatusCodes.Status403Forbidden,
            "<h1>Accès refusé</h1><p>Votre rôle ne permet pas d'ouvrir cette page.</p>" +
            "<p><a href=\"/compte\">Mon compte</a> · <a href=\"" + LogoutPath + "\">Se déconnecter</a></p>")).AllowAnonymous();
        group.MapGet("/echec", () => Page("Connexion impossible", StatusCodes.Status400BadRequest,
            "<h1>La connexion n'a pas abouti</h1><p>La demande de connexion a expiré, a été interrompue ou a été refusée.</p>" +
            "<p><a class=\"button\" href=\"/compte\">Réessayer</a></p>")).AllowAnonymous();
        return app;
    }

    private static IResult AccountAsync(HttpContext http)
    {
        var user = http.User;
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
        var body = new StringBuilder();
        body.Append("<h1>Mon compte</h1><dl>");
        body.Append("<dt>Nom</dt><dd>").Append(E(user.FindFirstValue(PlieClaimTypes.Name) ?? "")).Append("</dd>");
        body.Append("<dt>Identifiant</dt><dd>").Append(E(user.FindFirstValue(PlieClaimTypes.Subject) ?? "")).Append("</dd>");
        body.Append("<dt>Rôles</dt><dd>").Append(roles.Count == 0
            ? "aucun : votre compte n'a pas encore de rôle dans Plie, adressez-vous à un administrateur."
            : E(string.Join(", ", roles.Select(PlieRoles.Label)))).Append("</dd>");
        if (user.FindFirstValue(PlieClaimTypes.Antenne) is { } antenne)
            body.Append("<dt>Antenne</dt><dd>").Append(E(antenne)).Append("</dd>");
        body.Append("</dl><p><a class=\"button\" href=\"").Append(LogoutPath).Append("\">Se déconnecter</a></p>");
        return Page("Mon compte", StatusCodes.Status200OK, body.ToString());
    }

    /// <summary>
    /// The redirect URI of the <c>plie-cli</c> client: shows the authorization code and how to exchange it. A code is
    /// worthless without the PKCE verifier, which only the script that started the flow knows.
    /// </summary>
    private static IResult CodePage(HttpContext http, PlieUrls urls, string? code, string? error, string? error_description)
    {
        if (string.IsNullOrEmpty(code))
            return Page("Code d'autorisation", StatusCodes.Status400BadRequest,
                "<h1>Pas de code d'autorisation</h1><p>" + E(error_description ?? error ?? "La demande ne contient pas de code.") + "</p>");
        // The redirect URI that brought the browser here: the token request must repeat it.
        var redirectUri = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{CodePath}";
        var token = PlieUrls.Combine(urls.PublicUrl, "connect/token").AbsoluteUri;
        var command = $"curl -s {token} -d grant_type=authorization_code -d client_id={AuthSettings.EmbeddedToolsClientId} " +
                      $"-d redirect_uri={redirectUri} -d code_verifier=\"$VERIFIER\" -d code={code}";
        return Page("Code d'autorisation", StatusCodes.Status200OK,
            "<h1>Code d'autorisation</h1><p>Échangez ce code (valable 5 minutes, une seule fois) contre un jeton d'accès, " +
            "avec le vérificateur PKCE de votre script :</p><pre><code id=\"code\">" + E(code) + "</code></pre><pre><code>" + E(command) +
            "</code></pre>");
    }

    private static IResult LoginPageAsync(HttpContext http, AuthSettings settings, IAntiforgery antiforgery, string? returnUrl)
    {
        // With an external authority there is no password here: /compte starts its sign-in.
        if (!settings.IsEmbedded) return Results.Redirect("/compte");
        return LoginForm(http, settings, antiforgery, LocalOrNull(returnUrl), login: null, error: null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> LoginAsync(HttpContext http, AuthSettings settings, IAntiforgery antiforgery, PlieAccounts accounts)
    {
        if (!settings.IsEmbedded) return Results.Redirect("/compte");
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
            return LoginForm(http, settings, antiforgery, null, null,
                "La page de connexion a expiré : saisissez à nouveau votre identifiant et votre mot de passe.", StatusCodes.Status400BadRequest);

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var login = form["login"].ToString();
        var returnUrl = LocalOrNull(form["ReturnUrl"].ToString());
        var user = await accounts.CheckPasswordAsync(login, form["password"].ToString(), http.RequestAborted);
        if (user is null) return LoginForm(http, settings, antiforgery, returnUrl, login, WrongCredentials, StatusCodes.Status200OK);

        var identity = new ClaimsIdentity(PlieIdentity.AuthenticationType, PlieClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(PlieClaimTypes.Subject, user.Id));
        identity.AddClaim(new Claim(PlieClaimTypes.Name, user.DisplayName));
        await http.SignInAsync(PlieAuthSchemes.ServerLogin, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
        return Results.Redirect(returnUrl ?? "/compte");
    }

    /// <summary>Ends the app's session, then the authority's (the embedded server's end-session endpoint or the external one).</summary>
    private static async Task LogoutAsync(HttpContext http, AuthSettings settings)
    {
        var session = await http.AuthenticateAsync(PlieAuthSchemes.Session);
        if (settings.IsEmbedded) await http.SignOutAsync(PlieAuthSchemes.ServerLogin);
        if (!session.Succeeded)
        {
            await http.SignOutAsync(PlieAuthSchemes.Session);
            http.Response.Redirect(http.Request.PathBase + "/compte/deconnecte");
            return;
        }
        var properties = new AuthenticationProperties { RedirectUri = "/compte/deconnecte" };
        await http.SignOutAsync(PlieAuthSchemes.Session, properties);
        await http.SignOutAsync(PlieAuthSchemes.OpenIdConnect, properties);
    }

    private static IResult LoginForm(HttpContext http, AuthSettings settings, IAntiforgery antiforgery, string? returnUrl, string? login,
        string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var body = new StringBuilder();
        body.Append("<h1>Connexion à Plie</h1>");
        if (http.Request.Query.ContainsKey("deconnecte")) body.Append("<p class=\"info\">Vous êtes déconnecté.</p>");
        if (error is not null) body.Append("<p class=\"error\" role=\"alert\">").Append(E(error)).Append("</p>");
        body.Append("<form method=\"post\" action=\"").Append(LoginPath).Append("\">");
        body.Append("<input type=\"hidden\" name=\"").Append(E(tokens.FormFieldName)).Append("\" value=\"").Append(E(tokens.RequestToken ?? "")).Append("\">");
        if (returnUrl is not null) body.Append("<input type=\"hidden\" name=\"ReturnUrl\" value=\"").Append(E(returnUrl)).Append("\">");
        body.Append("<label for=\"login\">Identifiant</label>");
        body.Append("<input id=\"login\" name=\"login\" type=\"text\" autocomplete=\"username\" required autofocus value=\"").Append(E(login ?? "")).Append("\">");
        body.Append("<label for=\"password\">Mot de passe</label>");
        body.Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>");
        body.Append("<button type=\"submit\">Se connecter</button></form>");
        if (settings.SeedDemoAccounts)
        {
            body.Append("<section class=\"demo\"><h2>Comptes de démonstration</h2>");
            body.Append("<p>Mot de passe de chacun : <code>").Append(DemoAccounts.Password)
                .Append("</code>. Ces comptes servent aux démonstrations : ne les activez jamais sur un serveur réel.</p>");
            body.Append("<table><thead><tr><th>Identifiant</th><th>Nom</th><th>Rôle</th><th>Antenne</th></tr></thead><tbody>");
            foreach (var account in DemoAccounts.All)
            {
                body.Append("<tr><td><code>").Append(E(account.Login)).Append("</code></td><td>").Append(E(account.DisplayName))
                    .Append("</td><td>").Append(E(PlieRoles.Label(account.Role))).Append("</td><td>").Append(E(account.Antenne ?? ""))
                    .Append("</td></tr>");
            }
            body.Append("</tbody></table></section>");
        }
        return Page("Connexion", status, body.ToString());
    }

    /// <summary>A local URL ("/…", not "//…" nor "/\…"), else null: the login page redirects nowhere else.</summary>
    public static string? LocalOrNull(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains('\r') && !url.Contains('\n')
            ? url
            : null;

    // French text stays readable in the page source: only markup characters are escaped.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private static string E(string value) => Html.Encode(value);

    private static IResult Page(string title, int status, string body) => new HtmlPage(title, status, body);

    private sealed class HtmlPage(string title, int status, string body) : IResult
    {
        private const string Style =
            "body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1e1e1e}" +
            "label{display:block;margin-top:1rem;font-weight:600}" +
            "input[type=text],input[type=password]{display:block;width:100%;max-width:22rem;padding:.5rem;margin-top:.25rem;font-size:1rem}" +
            "button,.button{display:inline-block;margin-top:1.25rem;padding:.6rem 1.2rem;background:#000091;color:#fff;border:0;font-size:1rem;text-decoration:none;cursor:pointer}" +
            ".error{color:#b00020;font-weight:600}.info{color:#1f6f43}" +
            "table{border-collapse:collapse;margin-top:.5rem}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd}" +
            ".demo{margin-top:2.5rem;padding-top:1rem;border-top:2px solid #eee}dt{font-weight:600;margin-top:.5rem}" +
            "pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;padding:.6rem}";

        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.XFrameOptions = "DENY";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            await http.Response.WriteAsync(
                $"<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
                $"<title>{E(title)} – Plie</title><style>{Style}</style></head><body><main>{body}</main></body></html>",
                http.RequestAborted);
        }
    }
}
