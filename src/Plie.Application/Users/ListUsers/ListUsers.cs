using FluentValidation;
using Mediator;
using Plie.Application.Common;

namespace Plie.Application.Users.ListUsers;

/// <summary>
/// Who a task can be given to: the active accounts having one of <see cref="Roles"/> (all accounts when empty), by name.
/// For the reassign dialogs of supervision and of the instance viewer.
/// </summary>
public sealed record ListUsersQuery(IReadOnlyList<string>? Roles = null) : IQuery<IReadOnlyList<DirectoryUser>>;

public sealed class ListUsersValidator : AbstractValidator<ListUsersQuery>
{
    public ListUsersValidator()
    {
        RuleForEach(q => q.Roles).Must(r => PlieRoles.All.Contains(r))
            .WithMessage((_, r) => $"Le rôle « {r} » n'existe pas.");
    }
}

public sealed class ListUsersHandler(IUserDirectory directory) : IQueryHandler<ListUsersQuery, IReadOnlyList<DirectoryUser>>
{
    public async ValueTask<IReadOnlyList<DirectoryUser>> Handle(ListUsersQuery query, CancellationToken ct)
    {
        var users = await directory.ListAsync(null, ct);
        if (query.Roles is not { Count: > 0 } roles) return users;
        return users.Where(u => u.Roles.Any(roles.Contains)).ToList();
    }
}
