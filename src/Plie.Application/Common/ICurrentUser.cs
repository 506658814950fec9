namespace Plie.Application.Common;

/// <summary>Who is acting. In a workflow step run by the job runner, the system.</summary>
public interface ICurrentUser
{
    /// <summary>The login (the <c>sub</c> claim): the value used as a task's assignee.</summary>
    string Id { get; }

    string DisplayName { get; }

    /// <summary>The user's antenne (local office), for a conseiller; null otherwise.</summary>
    string? Antenne { get; }

    /// <summary>The user's roles (<see cref="PlieRoles"/>), which are also the BPMN candidate groups.</summary>
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
