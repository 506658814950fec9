namespace Plie.Application.Common;

/// <summary>The people who can be given a task: the active accounts, with their roles and antenne.</summary>
public interface IUserDirectory
{
    /// <summary>Active accounts, by display name; only those with <paramref name="role"/> when given.</summary>
    Task<IReadOnlyList<DirectoryUser>> ListAsync(string? role, CancellationToken ct);

    /// <summary>
    /// Moves the accounts of antenne <paramref name="from"/> to <paramref name="to"/> (an antenne renamed); returns how
    /// many. Accounts of an external authority are not in this directory: their antenne claim is changed there.
    /// </summary>
    Task<int> RenameAntenneAsync(string from, string to, CancellationToken ct);
}

public sealed record DirectoryUser(string Id, string DisplayName, IReadOnlyList<string> Roles, string? Antenne);
