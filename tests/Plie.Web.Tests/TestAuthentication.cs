using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plie.Application.Common;

namespace Plie.Web.Tests;

/// <summary>
/// Test-only sign-in for the API tests on the in-memory test server: the request says who it is with the header
/// <c>X-Test-User: login|role1,role2|antenne</c>; without it, an administrator holding every role. The real sign-in
/// (OpenID Connect, bearer tokens) is tested on Kestrel in Auth/.
/// </summary>
public sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string Header = "X-Test-User";

    public static string Value(string login, string? antenne, params string[] roles) => $"{login}|{string.Join(',', roles)}|{antenne}";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers[Header].ToString();
        if (header == "anonymous") return Task.FromResult(AuthenticateResult.NoResult());
        var parts = (string.IsNullOrEmpty(header) ? Value("test.admin", null, [.. PlieRoles.All]) : header).Split('|');
        var claims = new List<Claim> { new("sub", parts[0]), new("name", parts[0]) };
        claims.AddRange(parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
        if (parts.Length > 2 && parts[2].Length > 0) claims.Add(new Claim("antenne", parts[2]));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, "name", ClaimTypes.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
