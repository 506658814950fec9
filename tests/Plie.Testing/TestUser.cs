using Plie.Application.Common;

namespace Plie.Testing;

/// <summary>A user a test can switch between (login, roles, antenne), registered as the ICurrentUser.</summary>
public sealed class TestUser : ICurrentUser
{
    public string Id { get; private set; } = "system";
    public string DisplayName => Id;
    public string? Antenne { get; private set; }
    public IReadOnlyList<string> Roles { get; private set; } = PlieRoles.All;
    public bool IsInRole(string role) => Roles.Contains(role);

    public TestUser As(string id, string? antenne, params string[] roles)
    {
        Id = id;
        Antenne = antenne;
        Roles = roles;
        return this;
    }
}
