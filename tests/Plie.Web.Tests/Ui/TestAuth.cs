using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Plie.Web.Tests.Ui;

/// <summary>A user of the tests, with the claims the sign-in gives (sub, name, roles, antenne).</summary>
public sealed record TestPrincipal(string Id, string? Antenne, params string[] Roles)
{
    public static readonly TestPrincipal ConseillerDunkerque = new("conseiller.dk", "Dunkerque-Centre", "conseiller");
    public static readonly TestPrincipal ConseillerGrandeSynthe = new("conseiller.gs", "Grande-Synthe", "conseiller");
    public static readonly TestPrincipal Responsable = new("responsable", null, "responsable-accompagnement");
    public static readonly TestPrincipal Statistiques = new("stats", null, "statistiques");
    public static readonly TestPrincipal Administrateur = new("admin", null, "administrateur");

    /// <summary>The request header <see cref="TestAuthHandler"/> reads: id|role,role|antenne.</summary>
    public string Header => $"{Id}|{string.Join(',', Roles)}|{Antenne}";

    public ClaimsPrincipal ToClaims()
    {
        var claims = new List<Claim> { new("sub", Id), new("name", Id) };
        if (Antenne is not null) claims.Add(new Claim("antenne", Antenne));
        claims.AddRange(Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, TestAuthHandler.SchemeName, "name", ClaimTypes.Role));
    }
}

/// <summary>Signs in the user named by the <c>X-Test-User</c> header (none: anonymous; a challenge answers 401).</summary>
public sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string HeaderName = "X-Test-User";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var value) || string.IsNullOrEmpty(value))
            return Task.FromResult(AuthenticateResult.NoResult());
        var parts = value.ToString().Split('|');
        var user = new TestPrincipal(parts[0], parts.Length > 2 && parts[2].Length > 0 ? parts[2] : null,
            parts.Length > 1 ? parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries) : []);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(user.ToClaims(), SchemeName)));
    }
}
