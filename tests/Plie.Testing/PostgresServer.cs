using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Plie.Infrastructure.Postgres;
using Xunit;

namespace Plie.Testing;

/// <summary>
/// One throwaway PostgreSQL cluster per test process, started on first use: non-durable (fsync off), in a new
/// temporary directory, stopped and deleted when the process exits.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<Task<LocalPostgres>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The running cluster (started on first call).</summary>
    public static Task<LocalPostgres> GetAsync() => Server.Value;

    /// <summary>Connection string for the <c>postgres</c> maintenance database of the test cluster.</summary>
    public static async Task<string> GetAdminConnectionStringAsync() => (await GetAsync().ConfigureAwait(false)).AdminConnectionString;

    private static async Task<LocalPostgres> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("plie-pg-test-").FullName;
        LocalPostgres server;
        try
        {
            // When root, LocalPostgres chowns the data directory to postgres and adds o+x to the temp root.
            server = await LocalPostgres.StartAsync(
                    new LocalPostgresOptions
                    {
                        DataDirectory = Path.Combine(root, "data"),
                        Durable = false,
                        MaxConnections = 300,
                        Database = "postgres",
                    })
                .ConfigureAwait(false);
        }
        catch
        {
            TryDelete(root);
            throw;
        }

        StartWatchdog(server, root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                server.StopAsync(LocalPostgresShutdownMode.Immediate).Wait(TimeSpan.FromSeconds(30));
            }
            catch (Exception)
            {
                // Best effort: the watchdog retries.
            }

            TryDelete(root);
        };
        return server;
    }

    /// <summary>
    /// ProcessExit alone is not enough: `dotnet test` kills the test host shortly after the run, typically while
    /// the ProcessExit handler is still stopping the server, and a killed or crashed host runs no handlers at all.
    /// So a detached shell (setsid, outside the host's process tree) waits for this process to end, then stops
    /// the cluster and deletes its directory; whatever ProcessExit already did is simply a no-op for it.
    /// </summary>
    private static void StartWatchdog(LocalPostgres server, string root)
    {
        const string script =
            """
            exec </dev/null >/dev/null 2>&1
            while kill -0 "$1"; do sleep 1; done
            if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$2" stop -D "$3" -m immediate -w -t 30
            else "$2" stop -D "$3" -m immediate -w -t 30; fi
            rm -rf "$4"
            """;
        var startInfo = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in (string[])
                 ["-f", "/bin/sh", "-c", script, "plie-pg-watchdog", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                  Path.Combine(server.BinDirectory, "pg_ctl"), server.DataDirectory, root])
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(startInfo);
            process?.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No setsid: rely on ProcessExit alone.
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort.
        }
    }
}

/// <summary>
/// Fresh, isolated databases on the <see cref="PostgresServer"/> cluster, cloned from per-key template databases.
/// </summary>
public static class TestDatabases
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Templates = new(StringComparer.Ordinal);

    /// <summary>
    /// Returns the connection string of a new database copied from the template for <paramref name="templateKey"/>.
    /// The first call for a key (per process) creates that template and runs <paramref name="prepareTemplate"/> on it
    /// (e.g. to apply EF migrations); later calls reuse it. Safe to call concurrently. If preparing fails, every
    /// call for that key fails with the same error.
    /// </summary>
    public static async Task<string> CreateAsync(string templateKey, Func<string, Task> prepareTemplate)
    {
        ArgumentNullException.ThrowIfNull(templateKey);
        ArgumentNullException.ThrowIfNull(prepareTemplate);
        var template = await Templates
            .GetOrAdd(templateKey, key => new Lazy<Task<string>>(() => CreateTemplateAsync(key, prepareTemplate)))
            .Value.ConfigureAwait(false);

        var server = await PostgresServer.GetAsync().ConfigureAwait(false);
        var name = "t_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(
                server.AdminConnectionString,
                $"create database {LocalPostgres.QuoteIdentifier(name)} template {LocalPostgres.QuoteIdentifier(template)}")
            .ConfigureAwait(false);

        return new NpgsqlConnectionStringBuilder(server.ConnectionString)
        {
            Database = name,

            // Every test database gets its own connection pool; let idle connections go quickly so that many
            // databases do not exhaust max_connections.
            ConnectionIdleLifetime = 10,
            ConnectionPruningInterval = 2,
        }.ConnectionString;
    }

    /// <summary>Drops a database created by <see cref="CreateAsync"/> (closing its connections).</summary>
    public static async Task DropAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database
            ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        var server = await PostgresServer.GetAsync().ConfigureAwait(false);
        await ExecuteAsync(server.AdminConnectionString, $"drop database if exists {LocalPostgres.QuoteIdentifier(database)} with (force)")
            .ConfigureAwait(false);
    }

    private static async Task<string> CreateTemplateAsync(string key, Func<string, Task> prepare)
    {
        var server = await PostgresServer.GetAsync().ConfigureAwait(false);

        // Readable and unique within PostgreSQL's 63-byte identifier limit.
        var readable = new string(key.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_').Take(30).ToArray());
        var name = $"tpl_{readable}_{Guid.NewGuid():N}"[..(4 + readable.Length + 1 + 16)];
        var quoted = LocalPostgres.QuoteIdentifier(name);
        await ExecuteAsync(server.AdminConnectionString, $"create database {quoted}").ConfigureAwait(false);

        // No pooling: CREATE DATABASE ... TEMPLATE fails while any session is connected to the template.
        var templateConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString)
        {
            Database = name,
            Pooling = false,
        }.ConnectionString;
        await prepare(templateConnectionString).ConfigureAwait(false);

        NpgsqlConnection.ClearPool(new NpgsqlConnection(templateConnectionString));
        await ExecuteAsync(server.AdminConnectionString, $"alter database {quoted} with is_template true allow_connections false")
            .ConfigureAwait(false);
        await ExecuteAsync(
                server.AdminConnectionString,
                $"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{name}' and pid <> pg_backend_pid()")
            .ConfigureAwait(false);
        return name;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            var command = new NpgsqlCommand(sql, connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>
/// xunit fixture (class fixture or per-test via <see cref="IAsyncLifetime"/>) owning one fresh database.
/// Override <see cref="TemplateKey"/> and <see cref="PrepareTemplateAsync"/> to clone a prepared schema.
/// </summary>
public class PostgresDatabaseFixture : IAsyncLifetime
{
    /// <summary>Connection string of this fixture's database (valid after InitializeAsync).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Databases with the same key share one template; defaults to the fixture type's name.</summary>
    protected virtual string TemplateKey => GetType().FullName ?? GetType().Name;

    /// <summary>Runs once per key and process on the template database (e.g. apply EF migrations).</summary>
    protected virtual Task PrepareTemplateAsync(string connectionString) => Task.CompletedTask;

    /// <inheritdoc />
    public virtual async Task InitializeAsync() =>
        ConnectionString = await TestDatabases.CreateAsync(TemplateKey, PrepareTemplateAsync).ConfigureAwait(false);

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (ConnectionString.Length > 0)
        {
            await TestDatabases.DropAsync(ConnectionString).ConfigureAwait(false);
        }
    }
}
