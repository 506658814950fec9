using Microsoft.EntityFrameworkCore;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using OpenIddict.EntityFrameworkCore.Models;
using Plie.Infrastructure.Persistence;

namespace Plie.Infrastructure.Identity;

/// <summary>
/// The sign-in data, apart from the application's <see cref="PlieDbContext"/> so that each keeps its own migrations:
/// the users and OpenIddict's applications, authorizations, scopes and tokens, all in the <see cref="Schema"/> schema
/// with snake_case names. Its migrations live in <c>Identity/Migrations</c>, its history table in <c>auth</c> too.
/// </summary>
public sealed class AuthDbContext(DbContextOptions<AuthDbContext> options) : DbContext(options)
{
    public const string Schema = "auth";

    public DbSet<PlieUser> Users => Set<PlieUser>();

    /// <summary>The Npgsql options shared by the application, the tests and the design-time factory.</summary>
    public static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql)
    {
        npgsql.SetPostgresVersion(15, 0);
        npgsql.MigrationsHistoryTable("__ef_migrations_history", Schema);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);

        // Configured here, not with an IEntityTypeConfiguration: PlieDbContext applies every configuration class of
        // this assembly, and must not map the users.
        modelBuilder.Entity<PlieUser>(user =>
        {
            user.ToTable("users");
            user.HasKey(u => u.Id);
            user.Property(u => u.Id).HasMaxLength(200);
            user.Property(u => u.DisplayName).HasMaxLength(200);
            user.Property(u => u.Antenne).HasMaxLength(100);
            user.Property(u => u.Roles).HasColumnType("text[]");
        });

        // OpenIddict's entities (string keys), in short table names: auth.applications, auth.tokens…
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreApplication>().ToTable("applications");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreAuthorization>().ToTable("authorizations");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreScope>().ToTable("scopes");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreToken>().ToTable("tokens");

        modelBuilder.UseSnakeCaseNames();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<PlieDbContext.UtcDateTimeOffsetConverter>();
}
