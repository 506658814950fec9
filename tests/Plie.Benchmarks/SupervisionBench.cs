using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Plie.Application.Common;
using Plie.Application.Supervision;
using Plie.Application.Supervision.Heatmap;
using Plie.Application.Supervision.StalledCases;
using Microsoft.EntityFrameworkCore;
using Plie.Infrastructure;
using Plie.Infrastructure.Persistence;
using Plie.Workflow;

namespace Plie.Benchmarks;

/// <summary>
/// The supervision queries at scale: 100,000 open intake cases (participants, instances, tokens, open tasks with varied
/// due dates, antennes, steps and référents, a few incidents) and 2,000,000 history rows, seeded with SQL; then the
/// stalled-case list and the heatmap, run through their use cases (Mediator, a DI scope per call, as a superviseur)
/// with varied filters, timed one by one.
/// </summary>
internal static class SupervisionBench
{
    public const int Cases = 100_000;
    public const int HistoryRows = 2_000_000;

    public sealed record Figures(Percentiles Stalled, Percentiles Heatmap);

    public sealed record Percentiles(double P50, double P95, double Max, int Runs)
    {
        public override string ToString() => $"p50 {P50:F1} ms, p95 {P95:F1} ms, max {Max:F1} ms over {Runs} runs";
    }

    private static readonly string[] Antennes = ["Dunkerque-Centre", "Grande-Synthe", "Coudekerque-Branche", "Gravelines", "Hoymille"];

    /// <summary>The waits of a case, by share: the intake's user tasks, and the documents wait (a sub-process).</summary>
    private static readonly (string Element, string Name, string Group, int DueDays)[] Steps =
    [
        ("Task_FirstInterview", "Entretiens de 1er accueil", "conseiller", 15),
        ("Task_CounsellorOpinion", "Avis du conseiller", "conseiller", 5),
        ("Task_Validation", "Validation par le Responsable Accompagnement", "responsable-accompagnement", 5),
        ("Task_DocumentsReview", "Contrôle des pièces justificatives", "statistiques", 5),
        ("Task_Contract", "Signature du contrat d'engagement", "conseiller", 10),
        ("Task_CollectDocuments", "Recueillir les pièces manquantes", "conseiller", 7),
    ];

    /// <param name="connectionString">An empty database: migrated here.</param>
    /// <param name="prepare">Runs once the database is migrated, before the cases are seeded (the --sql statements).</param>
    public static async Task<Figures> RunAsync(string connectionString, NpgsqlDataSource db, string intakeXml, int runs,
        Func<Task> prepare, CancellationToken ct)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddScoped<ICurrentUser>(_ => new Superviseur());
        services.AddPlieInfrastructure(connectionString, o => o.RunJobs = false);
        services.AddSingleton(new SupervisionSettings { DefaultIdleDays = 14, IdleDays = { ["intake"] = 10 } });
        await using var app = services.BuildServiceProvider();
        await using (var scope = app.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<PlieDbContext>().Database.MigrateAsync(ct);
        await prepare();
        await using (var scope = app.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IWorkflowEngine>().DeployAsync(intakeXml, "bench", ct);

        var clock = Stopwatch.StartNew();
        await SeedAsync(db, ct);
        var counts = await CountsAsync(db, ct);
        Console.WriteLine($"  seeded in {clock.Elapsed.TotalSeconds:F1} s: {counts}");

        async Task<double> TimeAsync<T>(IQuery<T> query)
        {
            var started = Stopwatch.GetTimestamp();
            await using var scope = app.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(query, ct);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        // Varied filters, as supervisors use the list: everything, one reason, one antenne, one step, one référent,
        // combinations, other sorts and later pages.
        var random = new Random(42);
        StalledCasesQuery NextStalled(int i)
        {
            var step = Steps[random.Next(Steps.Length)];
            return (i % 8) switch
            {
                0 => new StalledCasesQuery(),
                1 => new StalledCasesQuery([StallReason.Overdue], Page: 1 + random.Next(5)),
                2 => new StalledCasesQuery(Antenne: Antennes[random.Next(Antennes.Length)]),
                3 => new StalledCasesQuery(Step: step.Name, Sort: StalledSort.LongestIdleFirst),
                4 => new StalledCasesQuery(Referent: $"conseiller.{random.Next(40)}"),
                5 => new StalledCasesQuery([StallReason.Incident], ProcessKey: "intake"),
                6 => new StalledCasesQuery([StallReason.Idle], Antenne: Antennes[random.Next(Antennes.Length)], Step: step.Element,
                    Sort: StalledSort.NewestFirst),
                _ => new StalledCasesQuery(Page: 1 + random.Next(20), PageSize: 25),
            };
        }
        // As the map opens: every version's cases on the latest diagram.
        GetHeatmapQuery NextHeatmap(int i) => new("intake");

        for (var i = 0; i < 20; i++)
        {
            await TimeAsync(NextStalled(i));
            await TimeAsync(NextHeatmap(i));
        }
        var stalled = new List<double>(runs);
        var heatmap = new List<double>(runs);
        var byVariant = Enumerable.Range(0, 8).Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < runs && !ct.IsCancellationRequested; i++)
        {
            var query = NextStalled(i);
            var time = await TimeAsync(query);
            stalled.Add(time);
            byVariant[i % 8].Add(time);
            heatmap.Add(await TimeAsync(NextHeatmap(i)));
        }
        string[] variants = ["all reasons", "overdue, page 1-5", "antenne", "step name, idle longest", "référent",
            "incidents of intake", "idle + antenne + step, newest", "page 1-20 of 25"];
        for (var v = 0; v < byVariant.Length; v++)
            if (byVariant[v].Count > 0) Console.WriteLine($"    stalled, {variants[v],-32} {Summarize(byVariant[v])}");
        return new Figures(Summarize(stalled), Summarize(heatmap));
    }

    private static Percentiles Summarize(List<double> times)
    {
        times.Sort();
        double At(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        return new Percentiles(Math.Round(At(0.50), 2), Math.Round(At(0.95), 2), Math.Round(times[^1], 2), times.Count);
    }

    /// <summary>
    /// One statement per table, from a temporary table of the cases. Each case waits at one of the steps since an
    /// exponentially distributed time (mean 4 days): with due dates of 5 to 15 days, about one task in six is overdue and
    /// about one case in twelve is idle for more than 10 days.
    /// </summary>
    private static async Task SeedAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var steps = string.Join(", ", Steps.Select((s, i) => $"({i}, '{s.Element}', '{s.Name.Replace("'", "''")}', '{s.Group}', {s.DueDays})"));
        var antennes = string.Join(", ", Antennes.Select(a => $"'{a}'"));
        var sql = $"""
            CREATE TEMP TABLE bench_steps (n int, element text, name text, grp text, due_days int);
            INSERT INTO bench_steps VALUES {steps};
            CREATE TEMP TABLE bench_cases AS
            SELECT n, gen_random_uuid() AS participant_id, gen_random_uuid() AS instance_id, gen_random_uuid() AS execution_id,
                   gen_random_uuid() AS scope_id, gen_random_uuid() AS catch_id, gen_random_uuid() AS task_id,
                   (ARRAY[{antennes}])[1 + n % {Antennes.Length}] AS antenne,
                   'conseiller.' || (n % 40) AS referent,
                   (n * 7919) % {Steps.Length} AS step,
                   now() - (-ln(1 - random()) * interval '4 days') AS waiting_since,
                   random() * interval '30 days' AS before
              FROM generate_series(1, {Cases}) AS n;
            ALTER TABLE bench_cases ADD PRIMARY KEY (n);

            INSERT INTO participants (id, first_name, last_name, birth_date, commune_insee_code, antenne, status, created_at,
                                      created_by, referent_user_id, available_for_accompaniment, fse_declined_sensitive_items, priority_publics)
            SELECT participant_id, 'Prénom' || n, 'Nom' || n, date '1970-01-01' + (n % 10000), '59183', antenne, 'InIntake',
                   waiting_since - before, referent, referent, true, false, ARRAY[]::text[]
              FROM bench_cases;

            INSERT INTO wf.process_instances (id, definition_id, definition_key, definition_version, business_key, state, started_at,
                                              started_by, last_activity_at, revision)
            SELECT c.instance_id, d.id, d.key, d.version, c.participant_id::text, 'Running', c.waiting_since - c.before, c.referent,
                   c.waiting_since, 1
              FROM bench_cases c CROSS JOIN (SELECT id, key, version FROM wf.process_definitions WHERE key = 'intake' ORDER BY version DESC LIMIT 1) d;

            -- The token at the task; for the documents wait, the sub-process scope, the task's token and the message catch.
            INSERT INTO wf.executions (id, instance_id, parent_id, activity_id, state, is_multi_instance_root, entered_at)
            SELECT c.execution_id, c.instance_id, CASE WHEN s.element = 'Task_CollectDocuments' THEN c.scope_id END, s.element,
                   'Waiting', false, c.waiting_since
              FROM bench_cases c JOIN bench_steps s ON s.n = c.step
            UNION ALL
            SELECT c.scope_id, c.instance_id, NULL, 'SubProcess_WaitDocuments', 'Waiting', false, c.waiting_since
              FROM bench_cases c JOIN bench_steps s ON s.n = c.step WHERE s.element = 'Task_CollectDocuments'
            UNION ALL
            SELECT c.catch_id, c.instance_id, c.scope_id, 'Catch_DocumentsUploaded', 'Waiting', false, c.waiting_since
              FROM bench_cases c JOIN bench_steps s ON s.n = c.step WHERE s.element = 'Task_CollectDocuments';

            INSERT INTO wf.user_tasks (id, instance_id, execution_id, process_key, business_key, element_id, name, assignee,
                                       candidate_groups, candidate_users, due_at, priority, state, created_at, revision)
            SELECT c.task_id, c.instance_id, c.execution_id, 'intake', c.participant_id::text, s.element, s.name,
                   CASE WHEN s.grp = 'conseiller' THEN c.referent END, ARRAY[s.grp], ARRAY[]::text[],
                   c.waiting_since + s.due_days * interval '1 day', 50, 'Open', c.waiting_since, 1
              FROM bench_cases c JOIN bench_steps s ON s.n = c.step;

            INSERT INTO wf.incidents (id, instance_id, execution_id, element_id, message, created_at)
            SELECT gen_random_uuid(), c.instance_id, c.execution_id, 'Task_CheckEligibility', 'Erreur de bench ' || n, c.waiting_since
              FROM bench_cases c WHERE n % 200 = 0;

            -- 20 history rows per case, before the case started waiting.
            INSERT INTO wf.history_events (instance_id, at, type, element_id, element_type, element_name, user_id)
            SELECT c.instance_id, c.waiting_since - c.before + (h * c.before / 20),
                   (ARRAY['ElementEntered', 'ElementLeft', 'TaskCreated', 'TaskCompleted', 'VariableSet'])[1 + h % 5],
                   'Task_FirstInterview', 'userTask', 'Entretiens de 1er accueil', c.referent
              FROM bench_cases c CROSS JOIN generate_series(0, {HistoryRows / Cases - 1}) AS h;

            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(ct);
        // As autovacuum leaves a table after a bulk load: statistics, and the visibility map that index-only scans use.
        foreach (var table in new[] { "participants", "wf.process_instances", "wf.executions", "wf.user_tasks", "wf.incidents", "wf.history_events" })
        {
            await using var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {table}", connection) { CommandTimeout = 600 };
            await vacuum.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task<string> CountsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var open = await Bench.ScalarAsync<long>(db, "select count(*) from wf.process_instances where definition_key = 'intake' and state = 'Running'", ct);
        var tasks = await Bench.ScalarAsync<long>(db, "select count(*) from wf.user_tasks where process_key = 'intake' and state = 'Open'", ct);
        var overdue = await Bench.ScalarAsync<long>(db, "select count(*) from wf.user_tasks where process_key = 'intake' and state = 'Open' and due_at < now()", ct);
        var idle = await Bench.ScalarAsync<long>(db,
            "select count(distinct instance_id) from wf.executions where state = 'Waiting' and activity_id like 'Task\\_%' and entered_at < now() - interval '10 days'", ct);
        var history = await Bench.ScalarAsync<long>(db, "select count(*) from wf.history_events", ct);
        var incidents = await Bench.ScalarAsync<long>(db, "select count(*) from wf.incidents where resolved_at is null", ct);
        return $"{open:N0} open intake cases, {tasks:N0} open tasks ({overdue:N0} overdue), {idle:N0} idle > 10 days, " +
               $"{incidents:N0} incidents, {history:N0} history rows";
    }

    private sealed class Superviseur : ICurrentUser
    {
        public string Id => "superviseur";
        public string DisplayName => "Superviseur";
        public string? Antenne => null;
        public IReadOnlyList<string> Roles { get; } = [PlieRoles.Superviseur];
        public bool IsInRole(string role) => role == PlieRoles.Superviseur;
    }
}
