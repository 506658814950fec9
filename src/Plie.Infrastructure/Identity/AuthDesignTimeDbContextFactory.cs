using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Plie.Infrastructure.Identity;

/// <summary>
/// Used by <c>dotnet ef … --context AuthDbContext</c> to build the model. The connection string is a placeholder:
/// generating a migration does not connect.
/// </summary>
public sealed class AuthDesignTimeDbContextFactory : IDesignTimeDbContextFactory<AuthDbContext>
{
    public AuthDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AuthDbContext>()
            .UseNpgsql("Host=localhost;Database=plie_design", AuthDbContext.ConfigureNpgsql)
            .Options;
        return new AuthDbContext(options);
    }
}
