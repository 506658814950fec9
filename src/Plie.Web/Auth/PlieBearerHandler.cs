using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Plie.Web.Auth;

public sealed class PlieBearerOptions : AuthenticationSchemeOptions
{
    /// <summary>The scheme that validates the token: OpenIddict validation (embedded server) or JwtBearer (external authority).</summary>
    public string InnerScheme { get; set; } = "";
}

/// <summary>
/// The API's bearer scheme: validates the token with <see cref="PlieBearerOptions.InnerScheme"/>, then turns its
/// claims into Plie's principal (<see cref="PlieSignInResolver"/>). Always 401 (challenge) or 403 (forbid), never a
/// redirect; when the request carries a token, the inner scheme answers (its <c>WWW-Authenticate</c> says what is wrong).
/// </summary>
public sealed class PlieBearerHandler(IOptionsMonitor<PlieBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<PlieBearerOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var inner = await Context.AuthenticateAsync(Options.InnerScheme);
        if (inner.None) return AuthenticateResult.NoResult();
        if (!inner.Succeeded) return AuthenticateResult.Fail(inner.Failure ?? new InvalidOperationException("Jeton refusé."));
        var resolver = Context.RequestServices.GetRequiredService<PlieSignInResolver>();
        var principal = await resolver.ResolveAsync(inner.Principal, Context.RequestAborted);
        return principal is null
            ? AuthenticateResult.Fail("Ce compte a été désactivé dans Plie.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, inner.Properties, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (AuthenticationSetup.HasBearerToken(Request)) return Context.ChallengeAsync(Options.InnerScheme, properties);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (AuthenticationSetup.HasBearerToken(Request)) return Context.ForbidAsync(Options.InnerScheme, properties);
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
