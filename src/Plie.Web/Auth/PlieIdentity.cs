using System.Security.Claims;
using System.Text.Json;
using Plie.Application.Common;
using Plie.Infrastructure.Identity;

namespace Plie.Web.Auth;

/// <summary>
/// The signed-in principal of Plie, whatever issued the token: <c>sub</c> (the login), <c>name</c>, the roles as
/// <see cref="ClaimTypes.Role"/> claims (so that <c>IsInRole</c> and role policies work), <c>antenne</c>, <c>email</c>.
/// </summary>
public static class PlieIdentity
{
    /// <summary>The authentication type of a principal built here.</summary>
    public const string AuthenticationType = "Plie";

    public static ClaimsPrincipal Create(string id, string displayName, IEnumerable<string> roles, string? antenne, string? email = null)
    {
        var identity = new ClaimsIdentity(AuthenticationType, PlieClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(PlieClaimTypes.Subject, id));
        identity.AddClaim(new Claim(PlieClaimTypes.Name, displayName));
        foreach (var role in roles.Distinct(StringComparer.Ordinal))
            identity.AddClaim(new Claim(ClaimTypes.Role, role));
        if (!string.IsNullOrWhiteSpace(antenne)) identity.AddClaim(new Claim(PlieClaimTypes.Antenne, antenne));
        if (!string.IsNullOrWhiteSpace(email)) identity.AddClaim(new Claim(PlieClaimTypes.Email, email));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The user id read from a token's claims (<see cref="AuthSettings.UserIdClaim"/>, <c>sub</c> for the embedded server).</summary>
    public static string? ReadUserId(ClaimsPrincipal principal, AuthSettings settings)
    {
        var claim = settings.IsEmbedded ? PlieClaimTypes.Subject : settings.UserIdClaim;
        return First(principal, claim) ?? First(principal, PlieClaimTypes.Subject) ?? First(principal, ClaimTypes.NameIdentifier);
    }

    /// <summary>
    /// Plie's principal from the claims of a token (an ID token, the userinfo response, an access token). The token's
    /// roles (mapped by <see cref="AuthSettings.RoleMapping"/>, unknown ones dropped) and antenne come first; a local
    /// account of the same login gives those the token lacks (an external authority that knows nothing of Plie's roles).
    /// </summary>
    public static ClaimsPrincipal Normalize(ClaimsPrincipal principal, AuthSettings settings, PlieUser? localUser = null)
    {
        var id = localUser?.Id ?? ReadUserId(principal, settings) ?? throw new InvalidOperationException("Le jeton ne désigne aucun utilisateur.");
        var name = First(principal, PlieClaimTypes.Name)
                   ?? localUser?.DisplayName
                   ?? JoinNames(First(principal, "given_name"), First(principal, "family_name") ?? First(principal, "usual_name"))
                   ?? First(principal, "preferred_username")
                   ?? First(principal, PlieClaimTypes.Email)
                   ?? id;
        var roles = ReadRoles(principal, settings);
        if (roles.Count == 0 && localUser is { Active: true }) roles = localUser.Roles.Where(PlieRoles.IsKnown).ToList();
        var antenne = First(principal, settings.IsEmbedded ? PlieClaimTypes.Antenne : settings.AntenneClaim) ?? localUser?.Antenne;
        return Create(id, name, roles, antenne, First(principal, PlieClaimTypes.Email));
    }

    /// <summary>The Plie roles of a token: its role claim (a JSON array value is split), mapped, known roles only.</summary>
    public static List<string> ReadRoles(ClaimsPrincipal principal, AuthSettings settings)
    {
        var roleClaim = settings.IsEmbedded ? PlieClaimTypes.Role : settings.RoleClaim;
        IEnumerable<string> values;
        var dot = roleClaim.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && !principal.HasClaim(c => c.Type == roleClaim))
        {
            // A path into a JSON claim, e.g. Keycloak's "realm_access.roles".
            var path = roleClaim[(dot + 1)..].Split('.');
            values = principal.FindAll(roleClaim[..dot]).SelectMany(c => FromJsonPath(c.Value, path));
        }
        else
        {
            values = principal.FindAll(c => c.Type == roleClaim || (roleClaim == PlieClaimTypes.Role && c.Type == ClaimTypes.Role))
                .SelectMany(c => SplitJsonArray(c.Value));
        }
        return values.Select(v => settings.RoleMapping.TryGetValue(v, out var mapped) ? mapped : v)
            .Where(PlieRoles.IsKnown).Distinct(StringComparer.Ordinal).ToList();
    }

    private static string? First(ClaimsPrincipal principal, string type) =>
        principal.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;

    private static string? JoinNames(string? given, string? family) =>
        given is null && family is null ? null : string.Join(' ', new[] { given, family }.OfType<string>());

    private static IEnumerable<string> SplitJsonArray(string value)
    {
        if (!value.StartsWith('[')) return [value];
        try
        {
            using var document = JsonDocument.Parse(value);
            return Strings(document.RootElement).ToList();
        }
        catch (JsonException)
        {
            return [value];
        }
    }

    private static IEnumerable<string> FromJsonPath(string json, string[] path)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var element = document.RootElement;
            foreach (var segment in path)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element)) return [];
            }
            return Strings(element).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!),
        JsonValueKind.String => [element.GetString()!],
        _ => [],
    };
}

/// <summary>
/// Turns the principal of a validated token into Plie's principal; with an external authority, looks up the local
/// account of the same login for the roles and antenne the token lacks. Null: the local account is deactivated.
/// </summary>
public sealed class PlieSignInResolver(AuthSettings settings, PlieAccounts accounts)
{
    public async Task<ClaimsPrincipal?> ResolveAsync(ClaimsPrincipal tokenPrincipal, CancellationToken ct)
    {
        // The embedded server's tokens carry the roles and the antenne of the account they were issued for.
        if (settings.IsEmbedded) return PlieIdentity.Normalize(tokenPrincipal, settings);
        var id = PlieIdentity.ReadUserId(tokenPrincipal, settings);
        var local = id is null ? null : await accounts.FindAsync(id, ct);
        if (local is { Active: false }) return null;
        return PlieIdentity.Normalize(tokenPrincipal, settings, local);
    }
}
