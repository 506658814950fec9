using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Plie.Infrastructure.Persistence;

/// <summary>
/// Used by <c>dotnet ef</c> to build the model. The connection string is a placeholder: generating a migration does
/// not connect (commands that do, such as <c>database update</c>, need <c>--connection</c>).
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PlieDbContext>
{
    public PlieDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PlieDbContext>()
            .UseNpgsql("Host=localhost;Database=plie_design", PlieDbContext.ConfigureNpgsql)
            .Options;
        return new PlieDbContext(options);
    }
}
