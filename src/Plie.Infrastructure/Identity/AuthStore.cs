using Plie.Application.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Plie.Infrastructure.Identity;

/// <summary>Registration and start-up of the sign-in store (<see cref="AuthDbContext"/>).</summary>
public static class AuthStore
{
    /// <summary>
    /// Registers <see cref="AuthDbContext"/> on the application's <see cref="NpgsqlDataSource"/> (registered by
    /// <see cref="DependencyInjection.AddPlieInfrastructure"/>), <see cref="PlieAccounts"/> and the password hasher.
    /// </summary>
    public static IServiceCollection AddPlieAuthStore(this IServiceCollection services)
    {
        services.AddDbContext<AuthDbContext>((sp, options) =>
            options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), AuthDbContext.ConfigureNpgsql));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPasswordHasher<PlieUser>, PasswordHasher<PlieUser>>();
        services.AddScoped<PlieAccounts>();
        services.TryAddScoped<IUserDirectory, UserDirectory>();
        return services;
    }

    /// <summary>Applies the <c>auth</c> schema's migrations, then seeds (or retires) the demo accounts.</summary>
    public static async Task InitializeAsync(IServiceProvider services, bool seedDemoAccounts, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthStore));
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        await db.Database.MigrateAsync(ct);
        await DemoAccounts.SeedAsync(db, scope.ServiceProvider.GetRequiredService<PlieAccounts>(), seedDemoAccounts, logger, ct);
    }
}
