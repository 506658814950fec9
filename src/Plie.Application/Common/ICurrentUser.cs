namespace Plie.Application.Common;

/// <summary>Who is acting. In a workflow step run by the job runner, the system.</summary>
public interface ICurrentUser
{
    string Id { get; }
    string DisplayName { get; }
    bool IsInRole(string role);
}

/// <summary>The engine and background jobs.</summary>
public sealed class SystemUser : ICurrentUser
{
    public string Id => "system";
    public string DisplayName => "Plie (automatique)";
    public bool IsInRole(string role) => true;
}
