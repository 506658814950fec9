using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Plie.Infrastructure.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Plie.Web.Auth;

/// <summary>
/// The embedded OpenIddict server's pass-through endpoints: OpenIddict validates each request (client, redirect URI,
/// PKCE, tokens) and these decide who is signed in and what the tokens say. Discovery
/// (<c>/.well-known/openid-configuration</c>) and the key set are served by OpenIddict itself.
/// </summary>
public static class ConnectEndpoints
{
    private const string ServerScheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/connect").AllowAnonymous().ExcludeFromDescription();
        group.MapMethods("/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync);
        group.MapPost("/token", TokenAsync);
        group.MapMethods("/endsession", [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSessionAsync);
        group.MapMethods("/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfoAsync);
        return app;
    }

    /// <summary>Signed in at the server (the login page's cookie)? Then a code for the client; else the login page.</summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext http, PlieAccounts accounts)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var login = await http.AuthenticateAsync(PlieAuthSchemes.ServerLogin);
        var tooOld = request.MaxAge is { } maxAge && login.Properties?.IssuedUtc is { } issued
                     && DateTimeOffset.UtcNow - issued > TimeSpan.FromSeconds(maxAge);
        var user = login.Succeeded && login.Principal.FindFirstValue(Claims.Subject) is { } id ? await accounts.FindAsync(id, http.RequestAborted) : null;

        if (user is not { Active: true } || request.HasPromptValue(PromptValues.Login) || tooOld)
        {
            if (request.HasPromptValue(PromptValues.None))
                return Results.Forbid(ErrorProperties(Errors.LoginRequired, "L'utilisateur n'est pas connecté."), [ServerScheme]);
            if (login.Succeeded) await http.SignOutAsync(PlieAuthSchemes.ServerLogin);

            // Back here once signed in, without prompt=login (which would send the user to the login page again).
            var parameters = (http.Request.HasFormContentType ? http.Request.Form.ToList() : http.Request.Query.ToList())
                .Where(p => p.Key != Parameters.Prompt).ToList();
            var prompt = string.Join(' ', request.GetPromptValues().Remove(PromptValues.Login));
            if (prompt.Length > 0) parameters.Add(KeyValuePair.Create(Parameters.Prompt, new StringValues(prompt)));
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters) },
                [PlieAuthSchemes.ServerLogin]);
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetScopes(request.GetScopes());
        return Results.SignIn(new ClaimsPrincipal(WithUserClaims(identity, user)), properties: null, ServerScheme);
    }

    /// <summary>Code or refresh token → tokens, with the account's current claims; refused if it was deactivated.</summary>
    private static async Task<IResult> TokenAsync(HttpContext http, PlieAccounts accounts)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
            return Results.Forbid(ErrorProperties(Errors.UnsupportedGrantType, "Type d'autorisation non pris en charge."), [ServerScheme]);

        var result = await http.AuthenticateAsync(ServerScheme);
        var user = result.Principal?.GetClaim(Claims.Subject) is { } id ? await accounts.FindAsync(id, http.RequestAborted) : null;
        if (result.Principal is null || user is not { Active: true })
            return Results.Forbid(ErrorProperties(Errors.InvalidGrant, "Ce compte n'existe plus ou a été désactivé."), [ServerScheme]);

        // The code's or refresh token's claims (scopes, authorization…) with the account's current name, roles, antenne.
        var identity = new ClaimsIdentity(result.Principal.Claims, TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        return Results.SignIn(new ClaimsPrincipal(WithUserClaims(identity, user)), properties: null, ServerScheme);
    }

    /// <summary>Signs out of the server, then back to the client's post-logout redirect URI (or the signed-out page).</summary>
    private static async Task<IResult> EndSessionAsync(HttpContext http)
    {
        await http.SignOutAsync(PlieAuthSchemes.ServerLogin);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/compte/deconnecte" }, [ServerScheme]);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, PlieAccounts accounts)
    {
        var result = await http.AuthenticateAsync(ServerScheme);
        var user = result.Principal?.GetClaim(Claims.Subject) is { } id ? await accounts.FindAsync(id, http.RequestAborted) : null;
        if (result.Principal is null || user is not { Active: true })
            return Results.Challenge(ErrorProperties(Errors.InvalidToken, "Ce compte n'existe plus ou a été désactivé."), [ServerScheme]);

        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        if (result.Principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = user.DisplayName;
            if (user.Antenne is not null) claims[PlieClaimTypes.Antenne] = user.Antenne;
        }
        if (result.Principal.HasScope(Scopes.Roles)) claims[Claims.Role] = user.Roles;
        return Results.Ok(claims);
    }

    private static ClaimsIdentity WithUserClaims(ClaimsIdentity identity, PlieUser user)
    {
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, user.DisplayName)
            .SetClaims(Claims.Role, [.. user.Roles])
            .SetClaim(PlieClaimTypes.Antenne, user.Antenne);
        identity.SetAudiences(AuthSettings.EmbeddedApiAudience);
        identity.SetDestinations(Destinations);
        return identity;
    }

    /// <summary>
    /// Every claim goes into the access token; name and antenne into the ID token too with the <c>profile</c> scope,
    /// the roles with the <c>roles</c> scope.
    /// </summary>
    private static IEnumerable<string> Destinations(Claim claim) => claim.Type switch
    {
        Claims.Name or PlieClaimTypes.Antenne when claim.Subject?.HasScope(Scopes.Profile) == true =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.Role when claim.Subject?.HasScope(Scopes.Roles) == true =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        _ => [OpenIddictConstants.Destinations.AccessToken],
    };

    private static AuthenticationProperties ErrorProperties(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });
}
