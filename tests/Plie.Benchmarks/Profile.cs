using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Plie.Infrastructure;
using Plie.Infrastructure.Persistence;
using Plie.Workflow;

namespace Plie.Benchmarks;

/// <summary>
/// Where the time of one engine call goes, with one worker: every SQL round trip (Npgsql's activities) and the
/// commit (transaction interceptor), with their durations; the rest of the wall time is CPU in the engine and EF.
/// Runs on its own service provider so that the measured benchmarks carry no interceptors.
/// </summary>
internal static class Profile
{
    public static async Task RunAsync(string connectionString, string dataDirectory, NpgsqlDataSource db, IReadOnlyList<Guid> tasks, CancellationToken ct)
    {
        var recorder = new Recorder();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddPlieInfrastructure(connectionString, o => o.RunJobs = false);
        services.ConfigureDbContext<PlieDbContext>(o => o.AddInterceptors(new TransactionRecorder(recorder)));
        await using var provider = services.BuildServiceProvider();
        // Every command and batch Npgsql executes, whether sent by EF or by the store's own step writer, is an activity.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => recorder.Add(activity.Duration,
                activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName),
        };
        ActivitySource.AddActivityListener(listener);

        async Task Engine(Func<IWorkflowEngine, Task> call)
        {
            await using var scope = provider.CreateAsyncScope();
            await call(scope.ServiceProvider.GetRequiredService<IWorkflowEngine>());
        }

        // Raw round trips on one connection, to compare with the engine's below.
        await RawAsync("raw INSERT (autocommit: 1 round trip + WAL flush)", "insert into bench_raw (u, payload) values ($1, 'profile')",
            Guid.NewGuid());
        await RawAsync("raw SELECT of a task's instance_id by id (1 round trip)", "select instance_id from wf.user_tasks where id = $1",
            tasks[^1]);

        async Task RawAsync(string name, string sql, Guid value)
        {
            using var self = Process.GetCurrentProcess();
            // The app's data source: prepared automatically, as the engine's statements are.
            await using var connection = await provider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct);
            var cpu = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 200; i++)
            {
                await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = value } } };
                await command.ExecuteNonQueryAsync(ct);
            }
            self.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name}, Npgsql, 1 connection: {clock.Elapsed.TotalMilliseconds / 200:F2} ms each, app CPU {(self.TotalProcessorTime - cpu).TotalMilliseconds / 200:F2} ms"));
        }

        var next = 0;
        var half = tasks.Count / 2;
        for (var i = 0; i < 10; i++) await Engine(e => e.CompleteTaskAsync(tasks[next++], null, "bench", ct)); // warm
        await ProfileAsync("CompleteTaskAsync (a → b)", dataDirectory, db, recorder, half - 10,
            () => Engine(e => e.CompleteTaskAsync(tasks[next++], null, "bench", ct)));
        for (var i = 0; i < 10; i++) await Engine(e => e.StartAsync("bench-step", null, null, "bench", ct)); // warm
        await ProfileAsync("StartAsync (start → a)", dataDirectory, db, recorder, half - 10,
            () => Engine(e => e.StartAsync("bench-step", null, null, "bench", ct)));
    }

    private static async Task ProfileAsync(string name, string dataDirectory, NpgsqlDataSource db, Recorder recorder, int count, Func<Task> call)
    {
        double wall = 0;
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var postgres = Bench.Cpu.Now(dataDirectory).PostgresMs;
        // WAL written per call: the rows and index entries the call wrote, whatever the load on the machine.
        var wal = await Bench.Wal.NowAsync(db, CancellationToken.None);
        List<Event>? first = null;
        var sums = new List<(double At, double Ms)>();
        var same = true; // every call made the same round trips (then they are averaged one by one)
        for (var i = 0; i < count; i++)
        {
            recorder.Start();
            await call();
            wall += recorder.Elapsed;
            recorder.On = false;
            first ??= [.. recorder.Events];
            same &= recorder.Events.Count == first.Count;
            for (var j = 0; j < recorder.Events.Count; j++)
            {
                if (j == sums.Count) sums.Add((0, 0));
                sums[j] = (sums[j].At + recorder.Events[j].AtMs, sums[j].Ms + recorder.Events[j].Ms);
            }
        }
        self.Refresh();
        cpu = self.TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        postgres = Bench.Cpu.Now(dataDirectory).PostgresMs - postgres;
        var walBytes = (double)(await Bench.Wal.NowAsync(db, CancellationToken.None) - wal).Bytes;
        var roundTrips = sums.Count == 0 ? 0 : first!.Count;
        var sql = sums.Select((x, j) => first![j].IsCommit ? 0 : x.Ms).Sum() / count;
        var commit = sums.Select((x, j) => first![j].IsCommit ? x.Ms : 0).Sum() / count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}, 1 worker, mean of {count} calls: {wall / count:F2} ms per call, {roundTrips} round trips " +
            $"(statements {sql:F2} ms, COMMIT {commit:F2} ms), engine + EF between them {wall / count - sql - commit:F2} ms; " +
            $"app CPU {cpu.TotalMilliseconds / count:F2} ms, PostgreSQL CPU {postgres / count:F2} ms, {allocated / 1024.0 / count:F0} KB allocated and {walBytes / count / 1024:F1} KB of WAL per call"));
        if (!same) Console.WriteLine("    (the calls did not all make the same round trips; means below are per position)");
        Console.WriteLine("    round trip by round trip (mean time it ended at, mean duration, statement):");
        for (var j = 0; j < sums.Count; j++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"      +{sums[j].At / count,6:F2} ms  {sums[j].Ms / count,5:F2} ms  {Summarize(first![j].What)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      +{wall / count,6:F2} ms  (call returned)"));
    }

    private sealed record Event(double AtMs, double Ms, string What, bool IsCommit);

    private sealed class Recorder
    {
        private readonly Stopwatch _clock = new();
        public List<Event> Events { get; } = [];
        public bool On { get; set; }
        public double Elapsed => _clock.Elapsed.TotalMilliseconds;

        public void Start()
        {
            Events.Clear();
            _clock.Restart();
            On = true;
        }

        public void Add(TimeSpan duration, string what, bool isCommit = false)
        {
            if (On) Events.Add(new Event(Elapsed, duration.TotalMilliseconds, what, isCommit));
        }
    }

    /// <summary>One line for a statement; a batch is named by the verb and table of each statement.</summary>
    private static string Summarize(string sql)
    {
        var text = string.Join(' ', sql.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
        var statements = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (statements.Length > 1)
            text = $"batch of {statements.Length}: " + string.Join(", ", statements
                .Select(x => string.Join(' ', x.Split(' ').Where(w => w is not ("INTO" or "FROM")).Take(2)))
                .GroupBy(x => x).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ×{g.Count()}"));
        return text.Length > 150 ? text[..150] + "…" : text;
    }

    private sealed class TransactionRecorder(Recorder recorder) : DbTransactionInterceptor
    {
        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            recorder.Add(eventData.Duration, "COMMIT", isCommit: true);
            return Task.CompletedTask;
        }
    }
}
