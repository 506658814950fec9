using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Plie.Infrastructure.Tests.Workflow;

/// <summary>
/// A throwaway PostgreSQL 15 cluster for the store tests: initdb in a temporary directory, started on a free port,
/// stopped and deleted at the end. Stop-gap until the shared test fixture exists; everything about it is in this file.
/// The tests run as root, so the cluster's binaries run as the <c>postgres</c> user.
/// </summary>
public sealed class ScratchPostgres : IAsyncLifetime
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private string? _directory;
    private string DataDirectory => Path.Combine(_directory!, "data");

    public int Port { get; private set; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("plie-scratch-pg-").FullName;
        await RunAsync("chown", "postgres:postgres", _directory);
        await RunAsPostgresAsync("initdb", "-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync");
        Port = FreePort();
        await RunAsPostgresAsync("pg_ctl", "start", "-D", DataDirectory, "-w", "-t", "60",
            "-l", Path.Combine(_directory, "server.log"),
            "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                + "-c full_page_writes=off -c max_connections=50");
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        if (_directory is null)
            return;
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
                await RunAsPostgresAsync("pg_ctl", "stop", "-D", DataDirectory, "-m", "immediate", "-w");
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAsPostgresAsync(string tool, params string[] arguments) =>
        RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(BinDirectory, tool), .. arguments]);

    private static async Task RunAsync(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // initdb and pg_ctl refuse a working directory the postgres user cannot read.
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
    }
}
