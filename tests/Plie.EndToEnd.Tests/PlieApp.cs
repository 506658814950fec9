using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Plie.Testing;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// The whole app on Kestrel (127.0.0.1, random port) over a fresh PostgreSQL database, and a headless Chromium driven
/// by Playwright. Users sign in through the real OpenID Connect login page.
/// </summary>
public class PlieApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string _connectionString = "";
    private IPlaywright? _playwright;

    /// <summary>The running apps of this test process, by base URL: a driver that has only a page finds its server's log.</summary>
    private static readonly ConcurrentDictionary<string, PlieApp> Running = new();

    /// <summary>
    /// How long an action (a click, a navigation) or an expectation waits, in ms: 20 s, not Playwright's 30 s for actions
    /// nor its 5 s for expectations. A CI run that gives the two cores to six test assemblies at once once took more than
    /// 5 s to render a page; both return as soon as what they wait for is there.
    /// </summary>
    public const float ActionTimeout = 20_000;

    static PlieApp() => Assertions.SetDefaultExpectTimeout(ActionTimeout);

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The server's warnings and errors, oldest first (a test that times out says what the server said).</summary>
    public ServerLog Log { get; } = new();

    public IBrowser Browser { get; private set; } = null!;
    public string ConnectionString => _connectionString;

    /// <summary>
    /// Settings a test class may add (e.g. a short reminder delay), in the constructor of a derived fixture: they are read
    /// when the server starts (<see cref="InitializeAsync"/>).
    /// </summary>
    public Dictionary<string, string> Settings { get; } = new()
    {
        ["Plie:Auth:EphemeralKeys"] = "true",
        ["Plie:Workflow:PollInterval"] = "00:00:00.250",
        ["Plie:Workflow:RetryBackoff"] = "00:00:01",
    };

    public async Task InitializeAsync()
    {
        _connectionString = await EngineHost.CreateDatabaseAsync();
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1").TrimEnd('/') + "/");
        Running[BaseUrl.GetLeftPart(UriPartial.Authority)] = this;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath, Headless = true, Args = Chromium.Args,
        });
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Plie", _connectionString);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddProvider(Log));
    }

    /// <summary>A new browser context (its own cookies) signed in as <paramref name="login"/> through the login page.</summary>
    public async Task<IPage> SignInAsync(string login, string password = "plie-demo")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(), Locale = "fr-FR", ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        context.SetDefaultTimeout(ActionTimeout);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Identifiant").FillAsync(login);
        await page.GetByLabel("Mot de passe").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await WaitToLeaveAsync(page, url => !url.Contains("/compte/connexion") && !url.Contains("/connect/"), $"« {login} » n'est pas connecté");
        return page;
    }

    /// <summary>
    /// Waits for the page to leave for <paramref name="destination"/> after a click that runs a step on the server.
    /// </summary>
    /// <remarks>
    /// Such a step has twice taken longer than the usual 20 s in CI (a task's completion, then an orientation), against at
    /// most about a second on the development machine even with the Web tests running beside; so it gets 45 s, and a page
    /// that does not leave says what it shows (an error message, a reconnecting circuit…) and what the server logged, so
    /// that the next such failure says where the time went. Used for every click that waits on the server: signing in,
    /// submitting an orientation, completing a task.
    /// </remarks>
    public static async Task WaitToLeaveAsync(IPage page, Func<string, bool> destination, string failure)
    {
        const float Timeout = 45_000;
        try
        {
            // Until the new page's HTML and scripts are in (DOMContentLoaded), not its « load » event: in one CI run the
            // file's page was shown, yet « load » had not come after 45 s. What the user must see is checked next.
            await page.WaitForURLAsync(destination, new() { Timeout = Timeout, WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException e)
        {
            var shown = await page.Locator(".mud-snackbar, .mud-alert, [role=alert], #components-reconnect-modal >> visible=true").AllInnerTextsAsync();
            var app = Serving(page);
            var server = app?.Log.Recent ?? [];
            ThreadPool.GetAvailableThreads(out var freeWorkers, out _);
            throw new TimeoutException($"{failure} après {Timeout / 1000:0} s ({page.Url}) ; la page affiche : « " +
                                       string.Join(" | ", shown.Select(t => t.Trim()).Where(t => t.Length > 0)) + " » ; le serveur a écrit : "
                                       + (server.Count == 0 ? "rien." : "\n" + string.Join("\n", server))
                                       + $"\nthread pool : {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} work items waiting, {freeWorkers} free"
                                       + (app is null ? "" : "\nbase de données : " + await app.BusySessionsAsync()), e);
        }
    }

    /// <summary>
    /// The database sessions of this app's database that are not idle (running, waiting on a lock, or idle in a
    /// transaction), one line each: what a step stuck on the server waits for.
    /// </summary>
    public async Task<string> BusySessionsAsync()
    {
        const string Sql = """
            SELECT pid, state, coalesce(wait_event_type || ':' || wait_event, '-'),
                   extract(epoch FROM now() - xact_start)::int, left(regexp_replace(query, '\s+', ' ', 'g'), 300)
            FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
            ORDER BY xact_start
            """;
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(Sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var lines = new List<string>();
            while (await reader.ReadAsync())
                lines.Add($"pid {reader.GetInt32(0)} {reader.GetString(1)}, attend {reader.GetString(2)}, transaction depuis " +
                          $"{(reader.IsDBNull(3) ? "-" : reader.GetInt32(3) + " s")} : {(reader.IsDBNull(4) ? "" : reader.GetString(4))}");
            return lines.Count == 0 ? "aucune session active." : "\n" + string.Join("\n", lines);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            return "illisible (" + e.Message + ").";
        }
    }

    /// <summary>The app that serves <paramref name="page"/>, if it is one of this process's.</summary>
    public static PlieApp? Serving(IPage page) =>
        Uri.TryCreate(page.Url, UriKind.Absolute, out var url) && Running.TryGetValue(url.GetLeftPart(UriPartial.Authority), out var app) ? app : null;

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (BaseUrl is not null) Running.TryRemove(BaseUrl.GetLeftPart(UriPartial.Authority), out _);
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await DisposeAsync();
        await TestDatabases.DropAsync(_connectionString);
    }
}

/// <summary>The app with the documents reminder due after 3 seconds instead of 7 days.</summary>
public sealed class ShortReminderApp : PlieApp
{
    public ShortReminderApp() => Settings["Plie:Intake:DocumentsReminderDelay"] = "PT3S";
}

/// <summary>Keeps the server's last ten warnings and errors in memory, for the message of a test that fails.</summary>
public sealed class ServerLog : ILoggerProvider
{
    private const int Kept = 10;
    private readonly ConcurrentQueue<string> _entries = new();

    /// <summary>The entries kept, oldest first.</summary>
    public IReadOnlyList<string> Recent => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Add(string entry)
    {
        _entries.Enqueue(entry);
        while (_entries.Count > Kept) _entries.TryDequeue(out _);
    }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var error = exception is null ? "" : $" [{exception.GetType().Name}: {exception.Message}]";
            log.Add($"{DateTime.Now:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{error}");
        }
    }
}
