namespace Plie.Application.Common;

/// <summary>The people who can be given a task: the active accounts, with their roles and antenne.</summary>
public interface IUserDirectory
{
    /// <summary>Active accounts, by display name; only those with <paramref name="role"/> when given.</summary>
    Task<IReadOnlyList<DirectoryUser>> ListAsync(string? role, CancellationToken ct);
}

public sealed record DirectoryUser(string Id, string DisplayName, IReadOnlyList<string> Roles, string? Antenne);
