namespace Plie.Infrastructure.Identity;

/// <summary>
/// An account of the embedded sign-in server (table <c>auth.users</c>). With an external authority, an account of the
/// same login can still give the roles and the antenne that the authority does not provide.
/// </summary>
public sealed class PlieUser
{
    /// <summary>The login, lower-case (e.g. <c>conseiller.dunkerque</c>): the <c>sub</c> claim of the tokens.</summary>
    public required string Id { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>ASP.NET Core Identity's password hash (PBKDF2); null for an account that cannot sign in with a password.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Role ids (<see cref="Plie.Application.Common.PlieRoles"/>), which are also the BPMN candidate groups.</summary>
    public string[] Roles { get; set; } = [];

    /// <summary>The antenne of a conseiller (e.g. <c>Dunkerque-Centre</c>).</summary>
    public string? Antenne { get; set; }

    /// <summary>A deactivated account can no longer sign in nor refresh its tokens.</summary>
    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}
