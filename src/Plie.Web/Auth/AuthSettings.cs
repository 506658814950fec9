namespace Plie.Web.Auth;

/// <summary>
/// The <c>Plie:Auth</c> configuration section. With no <see cref="Authority"/>, the app signs in at its embedded
/// OpenIddict server; otherwise at that OpenID Connect authority (Keycloak, Entra ID, ProConnect…). See
/// docs/authentication.md.
/// </summary>
public sealed class AuthSettings
{
    public const string Section = "Plie:Auth";

    /// <summary>The embedded server's client, used by the app itself.</summary>
    public const string EmbeddedClientId = "plie-web";

    /// <summary>
    /// The embedded server's client for people and scripts calling the API with a bearer token (curl…): public, PKCE,
    /// its redirect URI is the page <c>/compte/code</c>, which shows the code to exchange at <c>/connect/token</c>.
    /// </summary>
    public const string EmbeddedToolsClientId = "plie-cli";

    /// <summary>The audience (<c>aud</c>) of the embedded server's access tokens: Plie's API.</summary>
    public const string EmbeddedApiAudience = "plie-api";

    /// <summary>External authority (issuer URL). Empty: the embedded server.</summary>
    public string? Authority { get; set; }

    /// <summary>The app's client id at the external authority.</summary>
    public string ClientId { get; set; } = EmbeddedClientId;

    /// <summary>The app's client secret at the external authority (none for a public client).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The claim carrying the roles in the external authority's tokens: <c>role</c> (default), <c>roles</c> (Entra ID
    /// app roles), or a path into a JSON claim such as <c>realm_access.roles</c> (Keycloak realm roles).
    /// </summary>
    public string RoleClaim { get; set; } = PlieClaimTypes.Role;

    /// <summary>External role value → Plie role id, for authorities whose role names differ (e.g. Entra ID group ids).</summary>
    public Dictionary<string, string> RoleMapping { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The claim that becomes the user's id (the login, a task's assignee): <c>sub</c> by default.</summary>
    public string UserIdClaim { get; set; } = PlieClaimTypes.Subject;

    /// <summary>The claim carrying the antenne.</summary>
    public string AntenneClaim { get; set; } = PlieClaimTypes.Antenne;

    /// <summary>Scopes requested from the external authority, space-separated. Default: <c>openid profile email</c>.</summary>
    public string? Scopes { get; set; }

    /// <summary>The audience expected in bearer tokens issued by the external authority. Default: <see cref="ClientId"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>Reads the user's claims from the external authority's userinfo endpoint too (default true; ProConnect needs it).</summary>
    public bool GetClaimsFromUserInfoEndpoint { get; set; } = true;

    /// <summary>Requires HTTPS for the external authority's metadata (default true).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Extra parameters of the authorization request (e.g. ProConnect's <c>acr_values</c>).</summary>
    public Dictionary<string, string> AuthorizationParameters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Creates one demo account per role at start-up, password <c>plie-demo</c> (default true; demo only).</summary>
    public bool SeedDemoAccounts { get; set; } = true;

    /// <summary>
    /// Where the embedded server's signing and encryption keys (and ASP.NET Core's data-protection keys) are kept.
    /// Default: <c>~/.local/share/plie/keys</c>.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>New keys in memory at each start instead (tests): tokens and sessions do not survive a restart.</summary>
    public bool EphemeralKeys { get; set; }

    /// <summary>How long a session lasts without activity (sliding), default 8 hours.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How often a session re-reads its account (deactivation, new roles), default 5 minutes.</summary>
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsEmbedded => string.IsNullOrWhiteSpace(Authority);

    public string ResolveKeysDirectory() => !string.IsNullOrWhiteSpace(KeysDirectory)
        ? KeysDirectory
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "plie", "keys");
}
