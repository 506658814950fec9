using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Plie.Web.Hosting;

/// <summary>
/// A stand-in until the real sign-in (OpenIddict + cookies) is wired in, so that the UI's [Authorize] pages and the
/// file endpoints have a challenge to answer. It becomes the default scheme only when no other default is configured:
/// once the real sign-in sets its own, this handler is never used.
/// <para>
/// Nobody is ever signed in by it: pages answer a redirect to <c>/compte/connexion</c>, other requests 401 — except
/// with the DEVELOPMENT-ONLY switch <c>Plie:Ui:DevUser</c> (off by default, ignored outside the Development
/// environment), which signs a fake user in to try the screens (<c>Id</c>, <c>Name</c>, <c>Roles</c> comma-separated,
/// <c>Antenne</c>).
/// </para>
/// </summary>
public sealed class UiSignInPlaceholderHandler(IOptionsMonitor<UiSignInPlaceholderOptions> options, ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<UiSignInPlaceholderOptions>(options, logger, encoder)
{
    public const string SchemeName = "PlieUiPlaceholder";
    public const string LoginPath = "/compte/connexion";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Options.DevUser is not { Id: { Length: > 0 } id } dev) return Task.FromResult(AuthenticateResult.NoResult());
        var claims = new List<Claim> { new("sub", id), new("name", dev.Name ?? id) };
        if (!string.IsNullOrWhiteSpace(dev.Antenne)) claims.Add(new Claim("antenne", dev.Antenne));
        foreach (var role in (dev.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            claims.Add(new Claim(ClaimTypes.Role, role));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, "name", ClaimTypes.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var request = Request;
        var wantsPage = HttpMethods.IsGet(request.Method)
                        && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
        if (!wantsPage)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }
        var returnUrl = request.PathBase + request.Path + request.QueryString;
        Response.Redirect(request.PathBase + LoginPath + "?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        return Task.CompletedTask;
    }
}

public sealed class UiSignInPlaceholderOptions : AuthenticationSchemeOptions
{
    /// <summary>Development only: the fake user signed in on every request. Null (the default): nobody.</summary>
    public DevUserOptions? DevUser { get; set; }
}

/// <summary>Configuration section <c>Plie:Ui:DevUser</c> (Development environment only).</summary>
public sealed class DevUserOptions
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    /// <summary>Comma-separated roles, e.g. <c>conseiller,administrateur</c>.</summary>
    public string? Roles { get; set; }
    public string? Antenne { get; set; }
}

/// <summary>Makes the placeholder the default scheme when nothing else is (runs after every other configuration).</summary>
internal sealed class UiSignInPlaceholderDefaults : IPostConfigureOptions<AuthenticationOptions>
{
    public void PostConfigure(string? name, AuthenticationOptions options)
    {
        if (options.DefaultScheme is null && options.DefaultAuthenticateScheme is null && options.DefaultChallengeScheme is null)
            options.DefaultScheme = UiSignInPlaceholderHandler.SchemeName;
    }
}
