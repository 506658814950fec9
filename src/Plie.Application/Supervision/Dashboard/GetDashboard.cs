using System.Globalization;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Application.Supervision.Dashboard;

/// <summary>
/// Cases over time, per ISO week (Monday 00:00, Paris time) of the last <see cref="Weeks"/> weeks — the current one
/// included — and per antenne of the participant: cases opened, closed (completed, cancelled or terminated) and still
/// open at the week's end. Top-level cases only (not the processes they call).
/// </summary>
public sealed record GetDashboardQuery(string? Antenne = null, string? ProcessKey = null, int Weeks = 12) : IQuery<SupervisionDashboard>;

/// <param name="Antenne">The participant's antenne; "" for cases without one.</param>
public sealed record DashboardRow(DateOnly WeekStart, string Week, string Antenne, int Opened, int Closed, int OpenAtWeekEnd);

/// <param name="Weeks">The weeks shown, oldest first (their Monday).</param>
public sealed record SupervisionDashboard(IReadOnlyList<DateOnly> Weeks, IReadOnlyList<DashboardRow> Rows)
{
    /// <summary>Every antenne's figures added up, per week.</summary>
    public IReadOnlyList<DashboardRow> Totals => Weeks
        .Select(w => Rows.Where(r => r.WeekStart == w).ToList() is var rows
            ? new DashboardRow(w, IsoWeekLabel(w), "", rows.Sum(r => r.Opened), rows.Sum(r => r.Closed), rows.Sum(r => r.OpenAtWeekEnd))
            : null!)
        .ToList();

    public static string IsoWeekLabel(DateOnly monday) =>
        $"{ISOWeek.GetYear(monday.ToDateTime(TimeOnly.MinValue))}-S{ISOWeek.GetWeekOfYear(monday.ToDateTime(TimeOnly.MinValue)):00}";
}

public sealed class GetDashboardValidator : AbstractValidator<GetDashboardQuery>
{
    public GetDashboardValidator()
    {
        RuleFor(q => q.Weeks).InclusiveBetween(1, 104).WithMessage("Entre 1 et 104 semaines.");
        RuleFor(q => q.Antenne).MaximumLength(100).WithMessage("Le nom de l'antenne fait 100 caractères au plus.");
        RuleFor(q => q.ProcessKey).MaximumLength(200).WithMessage("La clé du processus fait 200 caractères au plus.");
    }
}

public sealed class GetDashboardHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : IQueryHandler<GetDashboardQuery, SupervisionDashboard>
{
    internal sealed record Row(DateTime WeekStart, string Antenne, long Opened, long Closed, long OpenAtWeekEnd);

    private static TimeZoneInfo Paris => ParisTime.Zone;

    public async ValueTask<SupervisionDashboard> Handle(GetDashboardQuery query, CancellationToken ct)
    {
        if (!ParticipantAccess.Oversees(user))
            throw new UnauthorizedAccessException("La supervision est réservée au superviseur et au Responsable Accompagnement.");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Paris).DateTime);
        var thisMonday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var mondays = Enumerable.Range(0, query.Weeks).Select(i => thisMonday.AddDays(-7 * (query.Weeks - 1 - i))).ToList();
        var starts = mondays.Select(ToUtc).ToArray();
        var ends = mondays.Select(m => ToUtc(m.AddDays(7))).ToArray();
        var from = starts[0];
        var to = ends[^1];
        var antenne = query.Antenne?.Trim() ?? "";
        var key = query.ProcessKey?.Trim() ?? "";
        var rows = await db.Sql<Row>($"""
            WITH weeks AS (SELECT s AS week_start, e AS week_end FROM unnest({starts}::timestamptz[], {ends}::timestamptz[]) AS w(s, e)),
            cases AS (
                SELECT pi.started_at, pi.ended_at, COALESCE(p.antenne, '') AS antenne
                  FROM wf.process_instances pi LEFT JOIN participants p ON p.id::text = pi.business_key
                 WHERE pi.parent_instance_id IS NULL AND pi.started_at < {to} AND (pi.ended_at IS NULL OR pi.ended_at >= {from})
                   AND ({key} = '' OR pi.definition_key = {key}) AND ({antenne} = '' OR p.antenne = {antenne}))
            SELECT w.week_start AS "WeekStart", c.antenne AS "Antenne",
                   count(*) FILTER (WHERE c.started_at >= w.week_start AND c.started_at < w.week_end) AS "Opened",
                   count(*) FILTER (WHERE c.ended_at >= w.week_start AND c.ended_at < w.week_end) AS "Closed",
                   count(*) FILTER (WHERE c.started_at < w.week_end AND (c.ended_at IS NULL OR c.ended_at >= w.week_end)) AS "OpenAtWeekEnd"
              FROM weeks w CROSS JOIN cases c
             GROUP BY w.week_start, c.antenne
            """).ToListAsync(ct);
        var byStart = starts.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => mondays[x.i]);
        var result = rows
            .Select(r =>
            {
                var monday = byStart[DateTime.SpecifyKind(r.WeekStart, DateTimeKind.Utc)];
                return new DashboardRow(monday, SupervisionDashboard.IsoWeekLabel(monday), r.Antenne, (int)r.Opened, (int)r.Closed,
                    (int)r.OpenAtWeekEnd);
            })
            .Where(r => r.Opened + r.Closed + r.OpenAtWeekEnd > 0)
            .OrderBy(r => r.WeekStart).ThenBy(r => r.Antenne, StringComparer.Ordinal)
            .ToList();
        return new SupervisionDashboard(mondays, result);
    }

    private static DateTime ToUtc(DateOnly day) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day.ToDateTime(TimeOnly.MinValue), DateTimeKind.Unspecified), Paris);
}
