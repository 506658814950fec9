using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Infrastructure.Identity;

/// <summary>The user directory over the sign-in store's accounts (<c>auth.users</c>).</summary>
public sealed class UserDirectory(AuthDbContext db) : IUserDirectory
{
    public async Task<IReadOnlyList<DirectoryUser>> ListAsync(string? role, CancellationToken ct)
    {
        var query = db.Users.AsNoTracking().Where(u => u.Active);
        if (role is not null) query = query.Where(u => u.Roles.Contains(role));
        var users = await query.OrderBy(u => u.DisplayName).ToListAsync(ct);
        return users.Select(u => new DirectoryUser(u.Id, u.DisplayName, u.Roles, u.Antenne)).ToList();
    }

    public Task<int> RenameAntenneAsync(string from, string to, CancellationToken ct) =>
        db.Users.Where(u => u.Antenne == from).ExecuteUpdateAsync(s => s.SetProperty(u => u.Antenne, to), ct);
}
