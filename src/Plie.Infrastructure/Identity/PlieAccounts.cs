using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Plie.Infrastructure.Identity;

/// <summary>The accounts of the embedded sign-in server: look-up and password check.</summary>
public sealed class PlieAccounts(AuthDbContext db, IPasswordHasher<PlieUser> hasher, TimeProvider clock)
{
    // Checked against when the login is unknown, so that a wrong login takes as long as a wrong password.
    private static readonly Lazy<(PlieUser User, string Hash)> Decoy = new(() =>
    {
        var user = new PlieUser { Id = "-", DisplayName = "-" };
        return (user, new PasswordHasher<PlieUser>().HashPassword(user, Guid.NewGuid().ToString()));
    });

    /// <summary>Logins are case-insensitive: stored and compared in lower case, without surrounding spaces.</summary>
    public static string NormalizeLogin(string login) => login.Trim().ToLowerInvariant();

    public Task<PlieUser?> FindAsync(string login, CancellationToken ct = default)
    {
        var id = NormalizeLogin(login);
        return db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
    }

    /// <summary>The active account of <paramref name="login"/> if <paramref name="password"/> is its password; otherwise null.</summary>
    public async Task<PlieUser?> CheckPasswordAsync(string login, string password, CancellationToken ct = default)
    {
        var user = string.IsNullOrWhiteSpace(login) ? null : await FindAsync(login, ct);
        if (user?.PasswordHash is null)
        {
            hasher.VerifyHashedPassword(Decoy.Value.User, Decoy.Value.Hash, password);
            return null;
        }
        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed || !user.Active) return null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }
        return user;
    }

    /// <summary>Creates an account (its login normalised); the caller saves.</summary>
    public PlieUser Create(string login, string displayName, string? password, IEnumerable<string> roles, string? antenne)
    {
        var user = new PlieUser
        {
            Id = NormalizeLogin(login),
            DisplayName = displayName,
            Roles = roles.Distinct(StringComparer.Ordinal).ToArray(),
            Antenne = antenne,
            Active = true,
            CreatedAt = clock.GetUtcNow(),
        };
        if (password is not null) user.PasswordHash = hasher.HashPassword(user, password);
        db.Users.Add(user);
        return user;
    }

    /// <summary>True if <paramref name="password"/> is the password of <paramref name="user"/>.</summary>
    public bool HasPassword(PlieUser user, string password) =>
        user.PasswordHash is not null && hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;
}
