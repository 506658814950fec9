using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Plie.Infrastructure.Postgres;

/// <summary>
/// A PostgreSQL cluster run from the machine's own server binaries (e.g. Debian's postgresql-15 package),
/// without any system service: the data directory is initialised on first use, the server listens only on
/// 127.0.0.1, and a server left running on the same data directory by a previous run is reused.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root. When this process is root, every server command runs as the
/// <c>postgres</c> system user (<c>runuser -u postgres -- ...</c>) and the data directory is owned by it.
/// Server settings (port, durability, max_connections) live in <c>plie.conf</c> in the data directory, rewritten
/// on every start; they do not change a server that is reused while already running.
/// </remarks>
public sealed class LocalPostgres : IAsyncDisposable
{
    /// <summary>Environment variable naming the directory of initdb, pg_ctl and postgres.</summary>
    public const string BinDirectoryVariable = "PLIE_PG_BINDIR";

    private const string SuperUser = "postgres";
    private const string ServerOsUser = "postgres";
    private const string LogFileName = "plie-postgres.log";
    private const string ConfigFileName = "plie.conf";
    private const string IncludeLine = "include_if_exists = '" + ConfigFileName + "'";
    private const long MaxLogBytes = 10 * 1024 * 1024;

    // A Unix socket path must fit in sockaddr_un.sun_path: 108 bytes including the terminating NUL.
    // PostgreSQL's socket is "<unix_socket_directories>/.s.PGSQL.<port>".
    private const int MaxUnixSocketPathBytes = 107;
    private const string LongestSocketFileName = "/.s.PGSQL.65535";

    private static readonly string[] RequiredBinaries = ["initdb", "pg_ctl", "postgres"];

    // Serialises StartAsync calls on the same data directory within this process.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> StartLocks = new(StringComparer.Ordinal);

    private readonly ILogger? _logger;
    private readonly bool _asServerUser;
    private readonly bool _stopOnDispose;
    private readonly TimeSpan _timeout;
    private int _stopped;

    private LocalPostgres(
        string dataDirectory, string binDirectory, int port, string database, bool startedServer,
        bool asServerUser, LocalPostgresOptions options, ILogger? logger)
    {
        DataDirectory = dataDirectory;
        BinDirectory = binDirectory;
        Port = port;
        Database = database;
        StartedServer = startedServer;
        LogFile = Path.Combine(dataDirectory, LogFileName);
        ConnectionString = BuildConnectionString(port, database);
        AdminConnectionString = BuildConnectionString(port, "postgres");
        _asServerUser = asServerUser;
        _stopOnDispose = options.StopOnDispose;
        _timeout = options.StartTimeout;
        _logger = logger;
    }

    /// <summary>The cluster's data directory (absolute).</summary>
    public string DataDirectory { get; }

    /// <summary>Directory of the PostgreSQL binaries used.</summary>
    public string BinDirectory { get; }

    /// <summary>TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Name of the application database.</summary>
    public string Database { get; }

    /// <summary><c>true</c> if this instance started the server, <c>false</c> if it reused a running one.</summary>
    public bool StartedServer { get; }

    /// <summary>The server log (pg_ctl -l).</summary>
    public string LogFile { get; }

    /// <summary>Connection string for the application database (user postgres, trust authentication).</summary>
    public string ConnectionString { get; }

    /// <summary>Connection string for the <c>postgres</c> maintenance database.</summary>
    public string AdminConnectionString { get; }

    /// <summary>
    /// The default shared_buffers, in MB: an eighth of the memory this process may use (the machine's, or its container's
    /// limit), no less than initdb's 128 MB and no more than 1 GB. Pages are only allocated as the server uses them.
    /// </summary>
    public static int DefaultSharedBuffersMb()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return available <= 0 ? 128 : (int)Math.Clamp(available / 8 / (1024 * 1024), 128, 1024);
    }

    /// <summary>~/.local/share/plie/postgres (LocalApplicationData/plie/postgres).</summary>
    public static string DefaultDataDirectory() =>
        Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "plie",
            "postgres");

    /// <summary>
    /// Starts (initialising it first if needed) or reuses the cluster in <see cref="LocalPostgresOptions.DataDirectory"/>
    /// and creates <see cref="LocalPostgresOptions.Database"/> if missing.
    /// </summary>
    public static async Task<LocalPostgres> StartAsync(
        LocalPostgresOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("LocalPostgres supports Linux and macOS only.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            throw new ArgumentException("DataDirectory is required.", nameof(options));
        }

        // Names go into postgresql.conf as they are (values are quoted): nothing but a setting name.
        if (options.Settings.Keys.FirstOrDefault(n => n.Length == 0 || !n.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.')) is { } bad)
        {
            throw new ArgumentException($"« {bad} » is not a PostgreSQL setting name.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            throw new ArgumentException("Database is required.", nameof(options));
        }

        if (options.Port is < 1 or > 65535)
        {
            throw new ArgumentException($"Port {options.Port} is out of range.", nameof(options));
        }

        if (options.MaxConnections < 1)
        {
            throw new ArgumentException("MaxConnections must be positive.", nameof(options));
        }

        var dataDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDirectory));
        var gate = StartLocks.GetOrAdd(dataDirectory, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await StartCoreAsync(dataDirectory, options, logger, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stops the server (pg_ctl stop -m fast), whether or not this instance started it.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        StopAsync(LocalPostgresShutdownMode.Fast, cancellationToken);

    /// <summary>Stops the server, whether or not this instance started it. Does nothing if it is not running.</summary>
    public async Task StopAsync(LocalPostgresShutdownMode mode, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        // Pooled connections would be broken once the server is gone.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        NpgsqlConnection.ClearPool(new NpgsqlConnection(AdminConnectionString));

        var seconds = TimeoutSeconds(_timeout);
        var result = await RunAsync(
                Path.Combine(BinDirectory, "pg_ctl"),
                ["stop", "-D", DataDirectory, "-m", mode == LocalPostgresShutdownMode.Immediate ? "immediate" : "fast", "-w", "-t", seconds, "-s"],
                _asServerUser,
                _timeout + TimeSpan.FromSeconds(30),
                cancellationToken)
            .ConfigureAwait(false);

        if (result.ExitCode != 0 && File.Exists(PidFilePath(DataDirectory)))
        {
            Volatile.Write(ref _stopped, 0);
            throw new InvalidOperationException(
                $"Could not stop the PostgreSQL server on {DataDirectory}: {result.Describe()}{LogTailSection(LogFile, 0)}");
        }

        var socketDirectory = SocketDirectoryFor(DataDirectory);
        if (socketDirectory != DataDirectory)
        {
            try
            {
                Directory.Delete(socketDirectory); // only if empty
            }
            catch (IOException)
            {
                // Missing or still in use.
            }
        }

        _logger?.LogInformation("Stopped PostgreSQL server on {DataDirectory}", DataDirectory);
    }

    /// <summary>Stops the server if this instance started it and <see cref="LocalPostgresOptions.StopOnDispose"/> is set.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopOnDispose && StartedServer)
        {
            await StopAsync().ConfigureAwait(false);
        }
    }

    private static async Task<LocalPostgres> StartCoreAsync(
        string dataDirectory, LocalPostgresOptions options, ILogger? logger, CancellationToken ct)
    {
        var binDirectory = await FindBinDirectoryAsync(options.BinDirectory, ct).ConfigureAwait(false);
        var asServerUser = Environment.IsPrivilegedProcess;
        var logFile = Path.Combine(dataDirectory, LogFileName);

        await PrepareDataDirectoryAsync(dataDirectory, asServerUser, logger, ct).ConfigureAwait(false);

        int port;
        bool startedServer;
        var runningPort = await FindRunningServerAsync(dataDirectory, options.StartTimeout, logger, ct).ConfigureAwait(false);
        if (runningPort is int reused)
        {
            if (options.Port is int wanted && wanted != reused)
            {
                throw new InvalidOperationException(
                    $"A PostgreSQL server is already running on data directory {dataDirectory} with port {reused}, " +
                    $"but port {wanted} was requested. Stop it first (pg_ctl stop -D {dataDirectory}) or do not set a port.");
            }

            logger?.LogInformation(
                "Reusing the PostgreSQL server already running on {DataDirectory} (port {Port})", dataDirectory, reused);
            port = reused;
            startedServer = false;
        }
        else
        {
            if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
            {
                await InitDbAsync(binDirectory, dataDirectory, options, asServerUser, logger, ct).ConfigureAwait(false);
            }

            (port, startedServer) = await StartServerAsync(binDirectory, dataDirectory, options, asServerUser, logger, ct)
                .ConfigureAwait(false);
        }

        var instance = new LocalPostgres(
            dataDirectory, binDirectory, port, options.Database, startedServer, asServerUser, options, logger);
        try
        {
            await instance.EnsureDatabaseAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL on {dataDirectory} (port {port}) is running but the database '{options.Database}' " +
                $"could not be created: {e.Message}{LogTailSection(logFile, 0)}",
                e);
        }

        return instance;
    }

    private async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(AdminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection)
            {
                Parameters = { new NpgsqlParameter { Value = Database } },
            };
            await using (exists.ConfigureAwait(false))
            {
                if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
                {
                    return;
                }
            }

            var create = new NpgsqlCommand($"create database {QuoteIdentifier(Database)}", connection);
            await using (create.ConfigureAwait(false))
            {
                try
                {
                    await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    _logger?.LogInformation("Created database {Database}", Database);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Created concurrently by someone else: fine.
                }
            }
        }
    }

    /// <summary>Double-quotes a PostgreSQL identifier.</summary>
    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string BuildConnectionString(int port, string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = SuperUser,
            Database = database,
        }.ConnectionString;

    // ---------------------------------------------------------------- binaries

    private static async Task<string> FindBinDirectoryAsync(string? configured, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return HasBinaries(configured)
                ? Path.GetFullPath(configured)
                : throw new InvalidOperationException(
                    $"The configured PostgreSQL bin directory '{configured}' does not contain {string.Join(", ", RequiredBinaries)}.");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return HasBinaries(fromEnvironment)
                ? Path.GetFullPath(fromEnvironment)
                : throw new InvalidOperationException(
                    $"{BinDirectoryVariable}='{fromEnvironment}' does not contain {string.Join(", ", RequiredBinaries)}.");
        }

        var searched = new List<string> { $"{BinDirectoryVariable} (not set)" };

        // pg_ctl on PATH; on Debian it is usually a symlink into /usr/lib/postgresql/<version>/bin.
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var pgCtl = Path.Combine(directory, "pg_ctl");
            if (!File.Exists(pgCtl))
            {
                continue;
            }

            var target = File.ResolveLinkTarget(pgCtl, returnFinalTarget: true)?.FullName ?? pgCtl;
            var targetDirectory = Path.GetDirectoryName(target);
            if (targetDirectory is not null && HasBinaries(targetDirectory))
            {
                return targetDirectory;
            }

            if (HasBinaries(directory))
            {
                return Path.GetFullPath(directory);
            }
        }

        searched.Add("pg_ctl on PATH");

        try
        {
            var result = await RunAsync("pg_config", ["--bindir"], false, TimeSpan.FromSeconds(20), ct).ConfigureAwait(false);
            var bindir = result.StandardOutput.Trim();
            if (result.ExitCode == 0 && bindir.Length > 0 && HasBinaries(bindir))
            {
                return bindir;
            }

            searched.Add(result.ExitCode == 0 ? $"pg_config --bindir ({bindir})" : "pg_config --bindir (failed)");
        }
        catch (InvalidOperationException)
        {
            searched.Add("pg_config --bindir (pg_config not found)");
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.EnumerateDirectories(debianRoot)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
                .Where(c => c.Version is not null && HasBinaries(c.Directory))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Directory)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        searched.Add($"{debianRoot}/*/bin");
        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found. Searched: " + string.Join("; ", searched) +
            $". Install the PostgreSQL server (Debian: apt-get install postgresql) or set {BinDirectoryVariable}.");
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;

    private static bool HasBinaries(string directory) =>
        RequiredBinaries.All(b => File.Exists(Path.Combine(directory, b)));

    // ---------------------------------------------------------------- data directory

    private static async Task PrepareDataDirectoryAsync(string dataDirectory, bool asServerUser, ILogger? logger, CancellationToken ct)
    {
        Directory.CreateDirectory(dataDirectory);
        if (!asServerUser || OperatingSystem.IsWindows())
        {
            return;
        }

        // We are root, so the server runs as the postgres user, which must be able to reach the data directory.
        // Ancestors such as /root (mode 700) block it. Each ancestor that lacks the "others may traverse" bit gets
        // exactly that bit (o+x) and nothing else: it lets other users pass through to a path they already know,
        // but not list or read the directory. Note that this permanently changes those directories' modes.
        for (var directory = Path.GetDirectoryName(dataDirectory); !string.IsNullOrEmpty(directory); directory = Path.GetDirectoryName(directory))
        {
            var mode = File.GetUnixFileMode(directory);
            if ((mode & UnixFileMode.OtherExecute) == 0)
            {
                File.SetUnixFileMode(directory, mode | UnixFileMode.OtherExecute);
                logger?.LogWarning(
                    "Added o+x to {Directory} so that the postgres user can reach the data directory {DataDirectory}",
                    directory,
                    dataDirectory);
            }
        }

        var owner = await RunAsync("stat", ["-c", "%U", dataDirectory], false, TimeSpan.FromSeconds(20), ct).ConfigureAwait(false);
        if (owner.ExitCode != 0 || owner.StandardOutput.Trim() != ServerOsUser)
        {
            await RunCheckedAsync("chown", ["-R", ServerOsUser + ":", dataDirectory], false, TimeSpan.FromMinutes(5), ct)
                .ConfigureAwait(false);
        }
    }

    private static async Task InitDbAsync(
        string binDirectory, string dataDirectory, LocalPostgresOptions options, bool asServerUser, ILogger? logger, CancellationToken ct)
    {
        if (Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            throw new InvalidOperationException(
                $"The data directory {dataDirectory} is not empty but is not a PostgreSQL cluster (no PG_VERSION). " +
                "Use an empty or missing directory.");
        }

        logger?.LogInformation("Initialising a PostgreSQL cluster in {DataDirectory}", dataDirectory);
        var initdb = Path.Combine(binDirectory, "initdb");
        ProcessResult? previous = null;

        // C.UTF-8 is built into glibc >= 2.35 (Debian 12); fall back to plain C where it is missing.
        foreach (var locale in (string[])["C.UTF-8", "C"])
        {
            List<string> arguments =
            [
                "-D", dataDirectory, "-A", "trust", "-U", SuperUser, "--encoding=UTF8", "--locale=" + locale,
            ];
            if (!options.Durable)
            {
                arguments.Add("--no-sync");
            }

            var result = await RunAsync(initdb, arguments, asServerUser, TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                return;
            }

            // initdb removes what it created on failure; anything left over means we must not retry blindly.
            if (Directory.EnumerateFileSystemEntries(dataDirectory).Any())
            {
                throw new InvalidOperationException($"initdb failed for {dataDirectory}: {result.Describe()}");
            }

            previous = result;
            logger?.LogWarning("initdb with locale {Locale} failed, retrying: {Output}", locale, result.Describe());
        }

        throw new InvalidOperationException($"initdb failed for {dataDirectory}: {previous?.Describe()}");
    }

    private static async Task WriteConfigurationAsync(
        string dataDirectory, int port, string socketDirectory, LocalPostgresOptions options, bool asServerUser, CancellationToken ct)
    {
        var durability = options.Durable ? "on" : "off";
        var config = new StringBuilder()
            .AppendLine("# Written by Plie (LocalPostgres) on every start; edits are overwritten.")
            .AppendLine("# Put your own settings in postgresql.conf before the include line, or use ALTER SYSTEM.")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine(CultureInfo.InvariantCulture, $"port = {port}")
            .AppendLine(CultureInfo.InvariantCulture, $"unix_socket_directories = {QuoteConfigString(socketDirectory)}")
            .AppendLine(CultureInfo.InvariantCulture, $"max_connections = {options.MaxConnections}")
            .AppendLine(CultureInfo.InvariantCulture, $"shared_buffers = '{options.SharedBuffersMb}MB'")
            .AppendLine(CultureInfo.InvariantCulture, $"fsync = {durability}")
            .AppendLine(CultureInfo.InvariantCulture, $"synchronous_commit = {durability}")
            .AppendLine(CultureInfo.InvariantCulture, $"full_page_writes = {durability}");
        foreach (var (name, value) in options.Settings) // names checked by StartAsync
            config.AppendLine(CultureInfo.InvariantCulture, $"{name} = {QuoteConfigString(value)}");
        var configFile = Path.Combine(dataDirectory, ConfigFileName);
        await File.WriteAllTextAsync(configFile, config.ToString(), ct).ConfigureAwait(false);

        var mainConfig = Path.Combine(dataDirectory, "postgresql.conf");
        var lines = await File.ReadAllLinesAsync(mainConfig, ct).ConfigureAwait(false);
        if (!lines.Any(l => l.Trim() == IncludeLine))
        {
            // Appending keeps the file's owner; the include comes last so that these settings win.
            await File.AppendAllTextAsync(mainConfig, Environment.NewLine + IncludeLine + Environment.NewLine, ct).ConfigureAwait(false);
        }

        if (asServerUser)
        {
            await RunCheckedAsync("chown", [ServerOsUser + ":", configFile], false, TimeSpan.FromSeconds(20), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The data directory itself, or when that is too long for a Unix socket path, a short per-cluster
    /// directory in /tmp.
    /// </summary>
    private static string SocketDirectoryFor(string dataDirectory)
    {
        if (Encoding.UTF8.GetByteCount(dataDirectory + LongestSocketFileName) <= MaxUnixSocketPathBytes)
        {
            return dataDirectory;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..16];
        return "/tmp/plie-pg-" + hash;
    }

    private static async Task<string> GetSocketDirectoryAsync(string dataDirectory, bool asServerUser, CancellationToken ct)
    {
        var directory = SocketDirectoryFor(dataDirectory);
        if (directory == dataDirectory)
        {
            return directory;
        }

        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (asServerUser)
        {
            await RunCheckedAsync("chown", [ServerOsUser + ":", directory], false, TimeSpan.FromSeconds(20), ct).ConfigureAwait(false);
        }

        return directory;
    }

    // ---------------------------------------------------------------- server

    private static async Task<(int Port, bool Started)> StartServerAsync(
        string binDirectory, string dataDirectory, LocalPostgresOptions options, bool asServerUser, ILogger? logger, CancellationToken ct)
    {
        var logFile = Path.Combine(dataDirectory, LogFileName);
        var socketDirectory = await GetSocketDirectoryAsync(dataDirectory, asServerUser, ct).ConfigureAwait(false);
        var attempts = options.Port is null ? 3 : 1;
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port ?? GetFreePort();
            await WriteConfigurationAsync(dataDirectory, port, socketDirectory, options, asServerUser, ct).ConfigureAwait(false);
            var logOffset = PrepareLogFile(logFile);

            logger?.LogInformation("Starting PostgreSQL on {DataDirectory} (port {Port})", dataDirectory, port);
            var result = await RunAsync(
                    Path.Combine(binDirectory, "pg_ctl"),
                    ["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", TimeoutSeconds(options.StartTimeout), "-s"],
                    asServerUser,
                    options.StartTimeout + TimeSpan.FromSeconds(30),
                    ct)
                .ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                return (port, true);
            }

            // Another process may have started a server on this data directory at the same time.
            if (await FindRunningServerAsync(dataDirectory, options.StartTimeout, logger, ct).ConfigureAwait(false) is int other)
            {
                logger?.LogInformation("A PostgreSQL server was started concurrently on {DataDirectory}; reusing it", dataDirectory);
                return (other, false);
            }

            var log = ReadLogTail(logFile, logOffset);
            if (attempt < attempts && log.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
                logger?.LogWarning("Port {Port} was taken before PostgreSQL could bind it; retrying with another port", port);
                continue;
            }

            throw new InvalidOperationException(
                $"Could not start PostgreSQL on data directory {dataDirectory} (port {port}): {result.Describe()}" +
                $"{Environment.NewLine}Server log ({logFile}), last lines:{Environment.NewLine}{log}");
        }
    }

    /// <summary>
    /// Returns the port of a server running on the data directory (waiting until it accepts connections), or
    /// null if none runs. A postmaster.pid whose process is gone is left to pg_ctl, which handles it.
    /// </summary>
    private static async Task<int?> FindRunningServerAsync(string dataDirectory, TimeSpan timeout, ILogger? logger, CancellationToken ct)
    {
        var pidFile = PidFilePath(dataDirectory);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!File.Exists(pidFile))
            {
                return null;
            }

            // postmaster.pid: line 1 pid, line 4 port (see PostgreSQL's pidfile.h).
            string[] lines;
            try
            {
                lines = await File.ReadAllLinesAsync(pidFile, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                lines = [];
            }

            if (lines.Length >= 1 && int.TryParse(lines[0].Trim(), CultureInfo.InvariantCulture, out var pid))
            {
                switch (GetProcessState(pid))
                {
                    case ProcessState.Gone:
                        return null;
                    case ProcessState.Foreign:
                        // The pid was reused by an unrelated process (e.g. after a reboot). PostgreSQL would
                        // refuse to start because that process is alive, so the stale lock file is removed here.
                        logger?.LogWarning("Removing stale {PidFile} (pid {Pid} is not a PostgreSQL process)", pidFile, pid);
                        File.Delete(pidFile);
                        return null;
                }

                if (lines.Length >= 4
                    && int.TryParse(lines[3].Trim(), CultureInfo.InvariantCulture, out var port)
                    && await CanConnectAsync(port, ct).ConfigureAwait(false))
                {
                    return port;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException(
                    $"A PostgreSQL server is running on {dataDirectory} ({pidFile}) but does not accept connections on 127.0.0.1." +
                    LogTailSection(Path.Combine(dataDirectory, LogFileName), 0));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
        }
    }

    private enum ProcessState
    {
        Gone,
        Postgres,
        Foreign,
    }

    private static ProcessState GetProcessState(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.ProcessName is "postgres" or "postmaster" ? ProcessState.Postgres : ProcessState.Foreign;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return ProcessState.Gone;
        }
    }

    private static async Task<bool> CanConnectAsync(int port, CancellationToken ct)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(BuildConnectionString(port, "postgres"))
        {
            Pooling = false,
            Timeout = 5,
        }.ConnectionString;
        try
        {
            var connection = new NpgsqlConnection(connectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(ct).ConfigureAwait(false);
                return true;
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException)
        {
            return false;
        }
    }

    private static int GetFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static string PidFilePath(string dataDirectory) => Path.Combine(dataDirectory, "postmaster.pid");

    private static string TimeoutSeconds(TimeSpan timeout) =>
        Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string QuoteConfigString(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    // ---------------------------------------------------------------- log

    /// <summary>Rotates an oversized log and returns the current length (where this run's output starts).</summary>
    private static long PrepareLogFile(string logFile)
    {
        var info = new FileInfo(logFile);
        if (!info.Exists)
        {
            return 0;
        }

        if (info.Length > MaxLogBytes)
        {
            File.Move(logFile, logFile + ".1", overwrite: true);
            return 0;
        }

        return info.Length;
    }

    private static string LogTailSection(string logFile, long offset) =>
        $"{Environment.NewLine}Server log ({logFile}), last lines:{Environment.NewLine}{ReadLogTail(logFile, offset)}";

    private static string ReadLogTail(string logFile, long offset, int maxLines = 40)
    {
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Max(offset, stream.Length - 16 * 1024), SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return lines.Length == 0 ? "(empty)" : string.Join(Environment.NewLine, lines.TakeLast(maxLines));
        }
        catch (FileNotFoundException)
        {
            return "(no log file)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(log not readable: {e.Message})";
        }
    }

    // ---------------------------------------------------------------- processes

    private sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
    {
        public string Describe()
        {
            var output = (StandardOutput.Trim() + Environment.NewLine + StandardError.Trim()).Trim();
            return $"'{CommandLine}' exited with code {ExitCode}" + (output.Length > 0 ? ":" + Environment.NewLine + output : ".");
        }
    }

    private static async Task RunCheckedAsync(
        string fileName, IReadOnlyList<string> arguments, bool asServerUser, TimeSpan timeout, CancellationToken ct)
    {
        var result = await RunAsync(fileName, arguments, asServerUser, timeout, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.Describe());
        }
    }

    private static async Task<ProcessResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, bool asServerUser, TimeSpan timeout, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // The server user may not be able to access the current directory (e.g. under /root).
            WorkingDirectory = "/",
        };
        if (asServerUser)
        {
            // PostgreSQL refuses to run as root.
            startInfo.FileName = "runuser";
            foreach (var argument in (string[])["-u", ServerOsUser, "--", fileName])
            {
                startInfo.ArgumentList.Add(argument);
            }
        }
        else
        {
            startInfo.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var commandLine = string.Join(' ', startInfo.ArgumentList.Prepend(startInfo.FileName));
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not run '{commandLine}': {e.Message}", e);
        }

        var standardOutput = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var standardError = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{commandLine}' did not finish within {timeout}.");
        }

        return new ProcessResult(
            commandLine, process.ExitCode, await standardOutput.ConfigureAwait(false), await standardError.ConfigureAwait(false));
    }
}

/// <summary>Options for <see cref="LocalPostgres.StartAsync"/>.</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>
    /// The cluster's data directory. Created (and initialised with initdb) when missing or empty.
    /// Defaults to <see cref="LocalPostgres.DefaultDataDirectory"/>.
    /// </summary>
    public string DataDirectory { get; set; } = LocalPostgres.DefaultDataDirectory();

    /// <summary>
    /// TCP port on 127.0.0.1. <c>null</c> picks a free port, except when a server from a previous run is
    /// still running on the data directory: then its port is reused.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>
    /// <c>true</c>: PostgreSQL's default durability settings. <c>false</c>: fsync, synchronous_commit and
    /// full_page_writes are turned off; only for throwaway (test) clusters, a crash may corrupt the data.
    /// </summary>
    public bool Durable { get; set; } = true;

    /// <summary>The application database, created when missing.</summary>
    public string Database { get; set; } = "plie";

    /// <summary>PostgreSQL's max_connections.</summary>
    public int MaxConnections { get; set; } = 200;

    /// <summary>
    /// PostgreSQL's shared_buffers, in MB: by default <see cref="LocalPostgres.DefaultSharedBuffersMb"/>, an eighth of the
    /// memory this process may use, between initdb's 128 MB and 1 GB (docs/benchmarks-history.md, session 12: with 128 MB,
    /// PostgreSQL spent more CPU per engine step once the cases outgrew the buffers).
    /// </summary>
    public int SharedBuffersMb { get; set; } = LocalPostgres.DefaultSharedBuffersMb();

    /// <summary>
    /// Whether disposing the <see cref="LocalPostgres"/> stops the server. Only a server started by that
    /// instance is ever stopped on dispose; a reused server keeps running.
    /// </summary>
    public bool StopOnDispose { get; set; } = true;

    /// <summary>
    /// Directory of the PostgreSQL binaries (initdb, pg_ctl, postgres). <c>null</c> searches for them:
    /// PLIE_PG_BINDIR, pg_ctl on PATH, <c>pg_config --bindir</c>, the newest /usr/lib/postgresql/*/bin.
    /// </summary>
    public string? BinDirectory { get; set; }

    /// <summary>How long to wait for the server to start or to accept connections.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// More server settings (name → value), written after Plie's own, so they win; they take effect when this call
    /// starts the server (a server already running keeps its settings). The benchmark uses them to load
    /// pg_stat_statements.
    /// </summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>How <see cref="LocalPostgres.StopAsync(LocalPostgresShutdownMode, CancellationToken)"/> stops the server.</summary>
public enum LocalPostgresShutdownMode
{
    /// <summary>pg_ctl -m fast: disconnect clients, checkpoint, stop.</summary>
    Fast,

    /// <summary>pg_ctl -m immediate: stop without a checkpoint (crash recovery on the next start).</summary>
    Immediate,
}
