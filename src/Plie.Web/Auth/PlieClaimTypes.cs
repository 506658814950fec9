namespace Plie.Web.Auth;

/// <summary>The claims of Plie's tokens and sessions (JWT names: <c>sub</c>, <c>name</c>, <c>role</c>, <c>antenne</c>).</summary>
public static class PlieClaimTypes
{
    public const string Subject = "sub";
    public const string Name = "name";

    /// <summary>One claim per role in tokens; in a signed-in principal, roles are <see cref="System.Security.Claims.ClaimTypes.Role"/> claims.</summary>
    public const string Role = "role";

    public const string Antenne = "antenne";
    public const string Email = "email";
}

/// <summary>The authentication schemes.</summary>
public static class PlieAuthSchemes
{
    /// <summary>The default scheme: <see cref="Bearer"/> when the request has an <c>Authorization: Bearer</c> header, else <see cref="Session"/>.</summary>
    public const string Default = "Plie";

    /// <summary>Challenge and forbid: API requests (<c>/api</c> or a bearer token) get 401/403, pages go to the sign-in.</summary>
    public const string Challenge = "Plie.Challenge";

    /// <summary>The application's session cookie, set when the OpenID Connect sign-in completes.</summary>
    public const string Session = "Plie.Session";

    /// <summary>The OpenID Connect client (the app signing in at the embedded server or at the external authority).</summary>
    public const string OpenIdConnect = "Plie.Oidc";

    /// <summary>Bearer tokens of the API, validated by OpenIddict (embedded server) or JwtBearer (external authority).</summary>
    public const string Bearer = "Plie.Bearer";

    /// <summary>The embedded server's own sign-in cookie (who has typed their password at /compte/connexion).</summary>
    public const string ServerLogin = "Plie.Connexion";
}
