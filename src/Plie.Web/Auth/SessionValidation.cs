using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Plie.Infrastructure.Identity;

namespace Plie.Web.Auth;

/// <summary>
/// Re-reads the account behind a session cookie every <see cref="AuthSettings.SessionCheckInterval"/>: a deactivated
/// (or deleted, with the embedded server) account loses its session, and with the embedded server the session takes
/// the account's current name, roles and antenne.
/// </summary>
public static class SessionValidation
{
    private const string CheckedAtKey = ".plie.checked";

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var settings = services.GetRequiredService<AuthSettings>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (context.Properties.Items.TryGetValue(CheckedAtKey, out var value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var checkedAt)
            && now - checkedAt < settings.SessionCheckInterval)
            return;

        var id = context.Principal?.FindFirstValue(PlieClaimTypes.Subject);
        var user = id is null ? null : await services.GetRequiredService<PlieAccounts>().FindAsync(id, context.HttpContext.RequestAborted);
        if (settings.IsEmbedded ? user is not { Active: true } : user is { Active: false })
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(PlieAuthSchemes.Session);
            return;
        }
        if (settings.IsEmbedded && user is not null)
            context.ReplacePrincipal(PlieIdentity.Create(user.Id, user.DisplayName, user.Roles, user.Antenne,
                context.Principal?.FindFirstValue(PlieClaimTypes.Email)));
        context.Properties.Items[CheckedAtKey] = now.ToString("O", CultureInfo.InvariantCulture);
        context.ShouldRenew = true;
    }
}
