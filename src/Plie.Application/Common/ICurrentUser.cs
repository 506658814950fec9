namespace Plie.Application.Common;

/// <summary>Who is acting. In a workflow step run by the job runner, the system.</summary>
public interface ICurrentUser
{
    string Id { get; }
    string DisplayName { get; }
    /// <summary>The antenne a conseiller is attached to.</summary>
    string? Antenne { get; }
    IReadOnlyList<string> Roles { get; }
    bool IsInRole(string role);
}

/// <summary>The engine and background jobs.</summary>
public sealed class SystemUser : ICurrentUser
{
    public string Id => "system";
    public string DisplayName => "Plie (automatique)";
    public string? Antenne => null;
    public IReadOnlyList<string> Roles => PlieRoles.All;
    public bool IsInRole(string role) => true;
}
