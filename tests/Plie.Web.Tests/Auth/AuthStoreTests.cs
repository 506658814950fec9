using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plie.Infrastructure;
using Plie.Infrastructure.Identity;
using Plie.Testing;
using Plie.Web.Auth;

namespace Plie.Web.Tests.Auth;

public sealed class AuthStoreTests : IAsyncLifetime
{
    private string _connectionString = "";
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await EngineHost.CreateDatabaseAsync();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddPlieInfrastructure(_connectionString);
        services.AddPlieAuthStore();
        _services = services.BuildServiceProvider();
    }

    private async Task<T> Db<T>(Func<AuthDbContext, PlieAccounts, Task<T>> action)
    {
        await using var scope = _services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<AuthDbContext>(), scope.ServiceProvider.GetRequiredService<PlieAccounts>());
    }

    [Fact]
    public async Task Demo_accounts_are_seeded_once_with_a_hashed_password()
    {
        await AuthStore.InitializeAsync(_services, seedDemoAccounts: true);
        await AuthStore.InitializeAsync(_services, seedDemoAccounts: true);

        var users = await Db((db, _) => db.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync());
        Assert.Equal(DemoAccounts.All.Select(a => a.Login).Order(StringComparer.Ordinal), users.Select(u => u.Id));
        Assert.All(users, u => Assert.DoesNotContain("plie-demo", u.PasswordHash!, StringComparison.Ordinal));
        var dunkerque = users.Single(u => u.Id == "conseiller.dunkerque");
        Assert.Equal(["conseiller"], dunkerque.Roles);
        Assert.Equal("Dunkerque-Centre", dunkerque.Antenne);

        Assert.NotNull(await Db((_, accounts) => accounts.CheckPasswordAsync(" Admin ", "plie-demo")));
        Assert.Null(await Db((_, accounts) => accounts.CheckPasswordAsync("admin", "Plie-demo")));
    }

    [Fact]
    public async Task Turning_demo_seeding_off_deactivates_the_demo_accounts_that_kept_the_demo_password()
    {
        await AuthStore.InitializeAsync(_services, seedDemoAccounts: true);
        await Db(async (db, accounts) =>
        {
            var admin = await db.Users.SingleAsync(u => u.Id == "admin");
            admin.PasswordHash = new Microsoft.AspNetCore.Identity.PasswordHasher<PlieUser>().HashPassword(admin, "un-vrai-secret");
            return await db.SaveChangesAsync();
        });

        await AuthStore.InitializeAsync(_services, seedDemoAccounts: false);

        var active = await Db((db, _) => db.Users.Where(u => u.Active).Select(u => u.Id).ToListAsync());
        Assert.Equal(["admin"], active);
        Assert.Null(await Db((_, accounts) => accounts.CheckPasswordAsync("superviseur", "plie-demo")));
    }

    [Fact]
    public void Server_keys_are_created_once_then_reused()
    {
        var directory = Path.Combine(Path.GetTempPath(), "plie-keys-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = ServerKeys.LoadOrCreate(directory);
            var second = ServerKeys.LoadOrCreate(directory);
            Assert.Equal(first.Signing.KeyId, second.Signing.KeyId);
            Assert.Equal(first.Encryption.KeyId, second.Encryption.KeyId);
            Assert.NotEqual(first.Signing.KeyId, first.Encryption.KeyId);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
                    File.GetUnixFileMode(Path.Combine(directory, ServerKeys.SigningKeyFile)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await TestDatabases.DropAsync(_connectionString);
    }
}
