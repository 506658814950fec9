using System.Net;
using System.Net.Sockets;
using Npgsql;
using Plie.Infrastructure.Postgres;
using Plie.Testing;

namespace Plie.Infrastructure.Tests.Postgres;

/// <summary>Runs real PostgreSQL clusters from the machine's binaries, each in its own temporary directory.</summary>
public sealed class LocalPostgresTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("plie-pg-it-").FullName;
    private readonly List<LocalPostgres> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            try
            {
                await server.StopAsync(LocalPostgresShutdownMode.Immediate);
            }
            catch (InvalidOperationException)
            {
                // Already stopped through another instance.
            }
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Start_in_empty_directory_gives_a_server_that_answers()
    {
        var server = await StartAsync(DataDirectory());

        Assert.True(server.StartedServer);
        Assert.StartsWith("PostgreSQL ", (string?)await ScalarAsync(server.ConnectionString, "select version()"));
        Assert.Equal("plie", await ScalarAsync(server.ConnectionString, "select current_database()"));
        Assert.Equal("postgres", await ScalarAsync(server.AdminConnectionString, "select current_database()"));
        Assert.Equal("on", await ScalarAsync(server.ConnectionString, "show fsync"));
        Assert.Equal("127.0.0.1", await ScalarAsync(server.ConnectionString, "show listen_addresses"));
        // Buffers sized from the memory, not initdb's 128 MB whatever the machine.
        var buffersMb = LocalPostgres.DefaultSharedBuffersMb();
        Assert.InRange(buffersMb, 128, 1024);
        Assert.Equal(buffersMb.ToString(System.Globalization.CultureInfo.InvariantCulture), await ScalarAsync(server.ConnectionString,
            "select (setting::bigint * 8 / 1024)::text from pg_settings where name = 'shared_buffers'"));
        // With 8 GB or more (this project's machines have 24), the cap: what the benchmark measured.
        if (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >= 8L << 30)
            Assert.Equal("1GB", await ScalarAsync(server.ConnectionString, "show shared_buffers"));
    }

    [Fact]
    public async Task Non_durable_cluster_turns_off_fsync()
    {
        var server = await StartAsync(DataDirectory(), durable: false, database: "other");

        Assert.Equal("other", await ScalarAsync(server.ConnectionString, "select current_database()"));
        Assert.Equal("off", await ScalarAsync(server.ConnectionString, "show fsync"));
        Assert.Equal("off", await ScalarAsync(server.ConnectionString, "show synchronous_commit"));
        Assert.Equal("off", await ScalarAsync(server.ConnectionString, "show full_page_writes"));
    }

    [Fact]
    public async Task Settings_given_are_applied_after_plies_own()
    {
        var options = new LocalPostgresOptions { DataDirectory = DataDirectory(), Durable = false, SharedBuffersMb = 200 };
        options.Settings["work_mem"] = "7MB";
        options.Settings["fsync"] = "on"; // Plie's own say off for a throwaway cluster: the later line wins
        options.Settings["application_name"] = "it's plie"; // quoted as PostgreSQL wants
        var server = await LocalPostgres.StartAsync(options, logger: null, CancellationToken.None);
        _servers.Add(server);

        Assert.Equal("7MB", await ScalarAsync(server.ConnectionString, "show work_mem"));
        Assert.Equal("200MB", await ScalarAsync(server.ConnectionString, "show shared_buffers"));
        Assert.Equal("on", await ScalarAsync(server.ConnectionString, "show fsync"));
        Assert.Equal("it's plie", await ScalarAsync(server.AdminConnectionString, "select setting from pg_settings where name = 'application_name'"));
    }

    [Fact]
    public async Task A_setting_name_that_is_not_one_is_refused_before_anything_starts()
    {
        var options = new LocalPostgresOptions { DataDirectory = DataDirectory(), Durable = false };
        options.Settings["work_mem = 1MB\nfsync"] = "off";

        var error = await Assert.ThrowsAsync<ArgumentException>(() => LocalPostgres.StartAsync(options, logger: null, CancellationToken.None));
        Assert.Contains("not a PostgreSQL setting name", error.Message);
        Assert.False(Directory.Exists(options.DataDirectory) && Directory.EnumerateFileSystemEntries(options.DataDirectory).Any());
    }

    [Fact]
    public async Task Start_while_running_reuses_the_server_and_its_data()
    {
        var dataDirectory = DataDirectory();
        var first = await StartAsync(dataDirectory);
        await ExecuteAsync(first.ConnectionString, "create table kept(value text); insert into kept values ('hello')");

        var second = await StartAsync(dataDirectory);

        Assert.False(second.StartedServer);
        Assert.Equal(first.Port, second.Port);
        Assert.Equal("hello", await ScalarAsync(second.ConnectionString, "select value from kept"));

        // Disposing an instance that reused the server leaves it running.
        await second.DisposeAsync();
        Assert.Equal("hello", await ScalarAsync(first.ConnectionString, "select value from kept"));

        // Asking for another port than the running server's is an error, not a silent switch.
        var otherPort = first.Port == 65000 ? 65001 : 65000;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(dataDirectory, port: otherPort));
        Assert.Contains(first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public async Task Data_persists_across_stop_and_start()
    {
        var dataDirectory = DataDirectory();
        var server = await StartAsync(dataDirectory);
        await ExecuteAsync(server.ConnectionString, "create table kept(value int); insert into kept values (42)");

        await server.StopAsync();
        Assert.False(File.Exists(Path.Combine(dataDirectory, "postmaster.pid")));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync(server.ConnectionString, "select 1"));

        var restarted = await StartAsync(dataDirectory);

        Assert.True(restarted.StartedServer);
        Assert.Equal(42, await ScalarAsync(restarted.ConnectionString, "select value from kept"));
    }

    [Fact]
    public async Task Dispose_stops_a_server_it_started()
    {
        var dataDirectory = DataDirectory();
        var server = await StartAsync(dataDirectory);

        await server.DisposeAsync();

        Assert.False(File.Exists(Path.Combine(dataDirectory, "postmaster.pid")));
    }

    [Fact]
    public async Task Stale_pid_files_do_not_prevent_a_start()
    {
        var dataDirectory = DataDirectory();
        var server = await StartAsync(dataDirectory);
        await server.StopAsync();
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");

        // A pid of a process that no longer exists: PostgreSQL replaces the file itself.
        using (var exited = System.Diagnostics.Process.Start("true"))
        {
            await exited.WaitForExitAsync();
            await File.WriteAllTextAsync(pidFile, $"{exited.Id}\n{dataDirectory}\n");
        }

        var restarted = await StartAsync(dataDirectory);
        Assert.True(restarted.StartedServer);
        await restarted.StopAsync();

        // A pid reused by an unrelated live process (here: the test process itself).
        await File.WriteAllTextAsync(pidFile, $"{Environment.ProcessId}\n{dataDirectory}\n");
        var again = await StartAsync(dataDirectory);
        Assert.True(again.StartedServer);
        Assert.Equal(1, await ScalarAsync(again.ConnectionString, "select 1"));
    }

    [Fact]
    public async Task Long_data_directory_paths_use_a_short_socket_directory()
    {
        var dataDirectory = Path.Combine(_root, new string('d', 60), new string('e', 60), "data");
        var server = await StartAsync(dataDirectory);

        var socketDirectory = (string?)await ScalarAsync(server.ConnectionString, "show unix_socket_directories");

        Assert.NotNull(socketDirectory);
        Assert.StartsWith("/tmp/plie-pg-", socketDirectory);
        Assert.True(File.Exists(Path.Combine(socketDirectory, $".s.PGSQL.{server.Port}")));

        await server.StopAsync();
        Assert.False(Directory.Exists(socketDirectory));
    }

    [Fact]
    public async Task Start_failure_reports_the_server_log()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(DataDirectory(), port: port));

        Assert.Contains("Server log", error.Message);
        Assert.Contains("could not bind", error.Message);
    }

    [Fact]
    public async Task Non_empty_directory_that_is_not_a_cluster_is_rejected()
    {
        var dataDirectory = DataDirectory();
        Directory.CreateDirectory(dataDirectory);
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "something.txt"), "not a cluster");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(dataDirectory));

        Assert.Contains("not a PostgreSQL cluster", error.Message);
    }

    [Fact]
    public void Default_data_directory_is_under_local_application_data()
    {
        var expected = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "plie", "postgres");
        Assert.Equal(expected, LocalPostgres.DefaultDataDirectory());
    }

    private string DataDirectory() => Path.Combine(_root, Guid.NewGuid().ToString("N")[..8]);

    private async Task<LocalPostgres> StartAsync(string dataDirectory, bool durable = true, string database = "plie", int? port = null)
    {
        var server = await LocalPostgres.StartAsync(
            new LocalPostgresOptions { DataDirectory = dataDirectory, Durable = durable, Database = database, Port = port },
            logger: null,
            CancellationToken.None);
        _servers.Add(server);
        return server;
    }

    internal static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Databases from <see cref="TestDatabases"/> on the shared test cluster.</summary>
public sealed class TestDatabasesTests
{
    private static int _preparations;

    [Fact]
    public async Task Databases_are_isolated_copies_of_a_template_prepared_once()
    {
        var key = "isolation-" + Guid.NewGuid().ToString("N");
        async Task Prepare(string connectionString)
        {
            Interlocked.Increment(ref _preparations);
            await LocalPostgresTests.ExecuteAsync(connectionString, "create table seed(value text); insert into seed values ('from template')");
        }

        var connectionStrings = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => TestDatabases.CreateAsync(key, Prepare)));

        Assert.Equal(1, Volatile.Read(ref _preparations));
        Assert.Equal(6, connectionStrings.Distinct().Count());
        foreach (var connectionString in connectionStrings)
        {
            Assert.Equal("from template", await LocalPostgresTests.ScalarAsync(connectionString, "select value from seed"));
        }

        await LocalPostgresTests.ExecuteAsync(connectionStrings[0], "create table only_here(id int); insert into seed values ('changed')");

        Assert.IsType<DBNull>(await LocalPostgresTests.ScalarAsync(connectionStrings[1], "select to_regclass('only_here')::text"));
        Assert.Equal(1L, await LocalPostgresTests.ScalarAsync(connectionStrings[1], "select count(*) from seed"));
        Assert.Equal(2L, await LocalPostgresTests.ScalarAsync(connectionStrings[0], "select count(*) from seed"));

        await TestDatabases.DropAsync(connectionStrings[0]);
        var admin = await PostgresServer.GetAdminConnectionStringAsync();
        var dropped = new NpgsqlConnectionStringBuilder(connectionStrings[0]).Database;
        Assert.Equal(0L, await LocalPostgresTests.ScalarAsync(admin, $"select count(*) from pg_database where datname = '{dropped}'"));
    }
}

/// <summary>The xunit fixture clones a prepared template.</summary>
public sealed class PostgresDatabaseFixtureTests(PostgresDatabaseFixtureTests.SeededFixture fixture)
    : IClassFixture<PostgresDatabaseFixtureTests.SeededFixture>
{
    public sealed class SeededFixture : PostgresDatabaseFixture
    {
        protected override Task PrepareTemplateAsync(string connectionString) =>
            LocalPostgresTests.ExecuteAsync(connectionString, "create table seed(id int); insert into seed values (7)");
    }

    [Fact]
    public async Task Fixture_database_contains_the_template_data()
    {
        Assert.Equal(7, await LocalPostgresTests.ScalarAsync(fixture.ConnectionString, "select id from seed"));
    }
}
