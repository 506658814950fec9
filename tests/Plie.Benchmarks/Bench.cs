using System.Diagnostics;
using Npgsql;

namespace Plie.Benchmarks;

/// <summary>Small helpers of the benchmark: a fixed-duration load loop and the bulk cloning of waiting instances.</summary>
internal static class Bench
{
    /// <summary>
    /// Runs <paramref name="workers"/> loops of <paramref name="operation"/> (given the worker index) for
    /// <paramref name="warmup"/> + <paramref name="duration"/>; counts the operations that finished inside the measured
    /// window. An operation returning false means its worker ran out of work. CPU use and the WAL written (read on
    /// <paramref name="db"/>) are sampled over the same window.
    /// </summary>
    public static async Task<Result> MeasureAsync(int workers, TimeSpan warmup, TimeSpan duration, string postgresDataDirectory,
        NpgsqlDataSource db, Func<int, CancellationToken, Task<bool>> operation, CancellationToken ct)
    {
        var end = warmup + duration;
        var counted = 0L;
        var clock = Stopwatch.StartNew();
        var cpu = Task.Run(async () =>
        {
            await Task.Delay(warmup, ct);
            var walFirst = await Wal.NowAsync(db, ct);
            var first = Cpu.Now(postgresDataDirectory);
            await Task.Delay(duration, ct);
            var last = Cpu.Now(postgresDataDirectory);
            return (first, last, wal: await Wal.NowAsync(db, ct) - walFirst);
        }, ct);
        var loops = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            while (clock.Elapsed < end && !ct.IsCancellationRequested)
            {
                if (!await operation(w, ct))
                {
                    Console.WriteLine($"  ! worker {w} ran out of work at {clock.Elapsed.TotalSeconds:F1} s");
                    return;
                }
                var at = clock.Elapsed;
                if (at >= warmup && at < end) Interlocked.Increment(ref counted);
            }
        }, ct));
        await Task.WhenAll(loops);
        var (before, after, wal) = await cpu;
        ct.ThrowIfCancellationRequested();
        return new Result(counted, before, after, duration, wal);
    }

    /// <summary>A measured rate, the CPU spent meanwhile (ms of CPU time; the machine's in ms summed over its cores) and the
    /// WAL the server wrote meanwhile.</summary>
    public sealed record Result(long Count, Cpu Before, Cpu After, TimeSpan Duration, Wal Wal)
    {
        public double PerSecond => Count / Duration.TotalSeconds;

        /// <summary>Rounds of the same measurement as one: their operations over their time, their CPU added up.</summary>
        public static Result Sum(IReadOnlyList<Result> rounds)
        {
            var count = rounds.Sum(r => r.Count);
            var duration = TimeSpan.FromTicks(rounds.Sum(r => r.Duration.Ticks));
            var spent = new Cpu(rounds.Sum(r => r.After.AppMs - r.Before.AppMs), rounds.Sum(r => r.After.PostgresMs - r.Before.PostgresMs),
                rounds.Sum(r => r.After.MachineBusyMs - r.Before.MachineBusyMs), rounds.Sum(r => r.After.MachineTotalMs - r.Before.MachineTotalMs));
            var wal = rounds.Aggregate(new Wal(0), (sum, r) => sum + r.Wal);
            return new Result(count, new Cpu(0, 0, 0, 0), spent, duration, wal);
        }

        /// <summary>CPU ms per operation in this process.</summary>
        public double AppMsPerOp => (After.AppMs - Before.AppMs) / Math.Max(1, Count);

        /// <summary>CPU ms per operation in the PostgreSQL server.</summary>
        public double PostgresMsPerOp => (After.PostgresMs - Before.PostgresMs) / Math.Max(1, Count);

        /// <summary>CPU ms per operation, app and PostgreSQL together.</summary>
        public double CpuMsPerOp => AppMsPerOp + PostgresMsPerOp;

        /// <summary>KB of WAL written per operation.</summary>
        public double WalKbPerOp => Wal.Bytes / 1024.0 / Math.Max(1, Count);

        public string Describe()
        {
            var n = Math.Max(1, Count);
            var machine = After.MachineBusyMs - Before.MachineBusyMs;
            var app = After.AppMs - Before.AppMs;
            var pg = After.PostgresMs - Before.PostgresMs;
            var capacity = After.MachineTotalMs - Before.MachineTotalMs;
            return $"CPU per op: app {app / n:F2} ms, PostgreSQL {pg / n:F2} ms; machine busy {100 * machine / capacity:F0}% " +
                   $"of {Environment.ProcessorCount} cores (app {100 * app / capacity:F0}%, PostgreSQL {100 * pg / capacity:F0}%, " +
                   $"other processes {100 * Math.Max(0, machine - app - pg) / capacity:F0}%); {WalKbPerOp:F2} KB of WAL per op";
        }
    }

    /// <summary>
    /// The WAL the server has written, in bytes: its insert position (<c>pg_current_wal_insert_lsn()</c>), exact at any
    /// moment (<c>pg_stat_wal</c>'s counters are not: backends add to them once a second). A change's rows and index
    /// entries, and a whole page the first time it changes after a checkpoint. Unlike throughput, it does not depend on the
    /// machine's load.
    /// </summary>
    public sealed record Wal(long Bytes)
    {
        public static async Task<Wal> NowAsync(NpgsqlDataSource db, CancellationToken ct) =>
            new(await ScalarAsync<long>(db, "select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint", ct));

        public static Wal operator -(Wal a, Wal b) => new(a.Bytes - b.Bytes);

        public static Wal operator +(Wal a, Wal b) => new(a.Bytes + b.Bytes);
    }

    /// <summary>CPU time so far, in ms: this process, the PostgreSQL server (postmaster, backends and reaped children), the machine.</summary>
    public sealed record Cpu(double AppMs, double PostgresMs, double MachineBusyMs, double MachineTotalMs)
    {
        private const double MsPerTick = 10; // USER_HZ is 100 on Linux

        public static Cpu Now(string postgresDataDirectory)
        {
            using var self = Process.GetCurrentProcess();
            var postmaster = int.Parse(File.ReadLines(Path.Combine(postgresDataDirectory, "postmaster.pid")).First().Trim(),
                System.Globalization.CultureInfo.InvariantCulture);
            double pg = 0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
                string stat;
                try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
                catch (IOException) { continue; } // gone meanwhile
                // Fields after "(comm)": state ppid … utime(14) stime(15) cutime(16) cstime(17), counted from 1 before comm.
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ppid = int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture);
                if (pid == postmaster)
                    pg += f.Skip(11).Take(4).Sum(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture));
                else if (ppid == postmaster)
                    pg += f.Skip(11).Take(2).Sum(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture));
            }
            // /proc/stat: cpu user nice system idle iowait irq softirq steal …
            var all = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var idle = all[3] + all[4];
            return new Cpu(self.TotalProcessorTime.TotalMilliseconds, pg * MsPerTick, (all.Sum() - idle) * MsPerTick,
                all.Sum() * MsPerTick);
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> copies of an instance the engine created (its instance, execution, variable, task
    /// and history rows), each with new ids, in one server-side INSERT … SELECT per table: the same shape the engine
    /// writes, at bulk speed. An old id X becomes md5(X || n)::uuid in copy n, so references between rows stay consistent.
    /// </summary>
    public static async Task CloneInstanceAsync(NpgsqlDataSource db, Guid template, int count, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO wf.process_instances
            SELECT r.* FROM wf.process_instances t, generate_series(1, @count) n,
                LATERAL jsonb_populate_record(t, jsonb_build_object('id', md5(t.id::text || n)::uuid)) r
            WHERE t.id = @template;

            INSERT INTO wf.executions
            SELECT r.* FROM wf.executions t, generate_series(1, @count) n,
                LATERAL jsonb_populate_record(t, jsonb_build_object(
                    'id', md5(t.id::text || n)::uuid, 'instance_id', md5(t.instance_id::text || n)::uuid,
                    'parent_id', md5(t.parent_id::text || n)::uuid)) r
            WHERE t.instance_id = @template;

            INSERT INTO wf.variables
            SELECT r.* FROM wf.variables t, generate_series(1, @count) n,
                LATERAL jsonb_populate_record(t, jsonb_build_object(
                    'id', md5(t.id::text || n)::uuid, 'instance_id', md5(t.instance_id::text || n)::uuid,
                    'execution_id', md5(t.execution_id::text || n)::uuid)) r
            WHERE t.instance_id = @template;

            INSERT INTO wf.user_tasks
            SELECT r.* FROM wf.user_tasks t, generate_series(1, @count) n,
                LATERAL jsonb_populate_record(t, jsonb_build_object(
                    'id', md5(t.id::text || n)::uuid, 'instance_id', md5(t.instance_id::text || n)::uuid,
                    'execution_id', md5(t.execution_id::text || n)::uuid)) r
            WHERE t.instance_id = @template;

            INSERT INTO wf.history_events
            SELECT r.* FROM (SELECT t, n FROM wf.history_events t, generate_series(1, @count) n
                             WHERE t.instance_id = @template ORDER BY n, t.id) c,
                LATERAL jsonb_populate_record(c.t, jsonb_build_object(
                    'id', nextval(pg_get_serial_sequence('wf.history_events', 'id')),
                    'instance_id', md5((c.t).instance_id::text || c.n)::uuid,
                    'task_id', md5((c.t).task_id::text || c.n)::uuid)) r;

            ANALYZE wf.process_instances, wf.executions, wf.variables, wf.user_tasks, wf.history_events;
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand(sql, connection, tx))
        {
            command.CommandTimeout = 600;
            command.Parameters.AddWithValue("template", template);
            command.Parameters.AddWithValue("count", count);
            await command.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The engine's tables that a step or a copied instance writes.</summary>
    public const string EngineTables = "wf.process_instances, wf.executions, wf.variables, wf.user_tasks, wf.history_events";

    /// <summary>After a bulk load (which ends with ANALYZE): VACUUM the engine's tables, then a CHECKPOINT.</summary>
    public static async Task SettleAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        foreach (var sql in (string[])["VACUUM " + EngineTables, "CHECKPOINT"])
        {
            await using var command = db.CreateCommand(sql);
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Turns autovacuum off or back to the cluster's setting (ALTER SYSTEM, then a reload).</summary>
    public static async Task SetAutovacuumAsync(NpgsqlDataSource db, bool on, CancellationToken ct)
    {
        foreach (var sql in (string[])[on ? "ALTER SYSTEM RESET autovacuum" : "ALTER SYSTEM SET autovacuum = off", "SELECT pg_reload_conf()"])
        {
            await using var command = db.CreateCommand(sql);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary><c>VACUUM (ANALYZE)</c> of the tables; returns the PostgreSQL CPU it took, in ms.</summary>
    public static async Task<double> VacuumAnalyzeAsync(NpgsqlDataSource db, string postgresDataDirectory, string tables, CancellationToken ct)
    {
        var before = Cpu.Now(postgresDataDirectory);
        await using (var command = db.CreateCommand($"VACUUM (ANALYZE) {tables}"))
        {
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync(ct);
        }
        return Cpu.Now(postgresDataDirectory).PostgresMs - before.PostgresMs;
    }

    /// <summary>
    /// With --statements: the statements run since the reset (raw commits and steps), by total execution time, with their
    /// mean execution time. pg_stat_statements adds its own cost to each statement: figures of such a run are for
    /// reading where the time goes, not for comparing throughput.
    /// </summary>
    public static async Task PrintStatementsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT calls, total_exec_time * 1000 / calls, rows::float8 / calls, left(regexp_replace(query, '\s+', ' ', 'g'), 120)
            FROM pg_stat_statements WHERE calls >= 1000 ORDER BY total_exec_time DESC LIMIT 15
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        Console.WriteLine("  statements (pg_stat_statements, ≥ 1,000 calls): calls, mean execution µs, rows per call, statement");
        while (await reader.ReadAsync(ct))
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"    {reader.GetInt64(0),8} {reader.GetDouble(1),7:F1} µs {reader.GetDouble(2),5:F1}  {reader.GetString(3)}"));
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, CancellationToken ct, params object[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>How many times autovacuum has vacuumed and analyzed each table so far.</summary>
    public static async Task<Dictionary<string, (long Vacuums, long Analyzes)>> AutovacuumCountsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "select schemaname || '.' || relname, autovacuum_count, autoanalyze_count from pg_stat_user_tables");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var counts = new Dictionary<string, (long, long)>();
        while (await reader.ReadAsync(ct)) counts[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return counts;
    }

    public static async Task<List<Guid>> GuidsAsync(NpgsqlDataSource db, string sql, CancellationToken ct, params object[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    public static double RssMb()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }
}
