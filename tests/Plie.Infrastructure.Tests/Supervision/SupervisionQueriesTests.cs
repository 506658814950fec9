using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Plie.Application.Common;
using Plie.Application.Intake.StartIntake;
using Plie.Application.Supervision;
using Plie.Application.Supervision.CommentCase;
using Plie.Application.Supervision.Dashboard;
using Plie.Application.Supervision.Heatmap;
using Plie.Application.Supervision.StalledCases;
using Plie.Infrastructure.Hosting;
using Plie.Testing;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Supervision;

/// <summary>
/// « Dossiers bloqués », the heatmap and the dashboard over real intake cases on PostgreSQL. Three cases of the intake,
/// all waiting at the first interview (due 15 days after it starts): A (Dunkerque-Centre) started on Monday 2 March,
/// B (Grande-Synthe) on Thursday 12 March, C (Dunkerque-Centre) on Saturday 14 March; the figures are read on Wednesday
/// 18 March, when A is overdue and idle (16 days; the intake's idle threshold is set to 7) and B has an incident.
/// </summary>
public sealed class SupervisionQueriesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday2March = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly TestUser _user = new();
    private EngineHost _host = null!;
    private StartIntakeResult _a = null!, _b = null!, _c = null!;

    public async Task InitializeAsync()
    {
        _host = await EngineHost.StartAsync(configure: s =>
        {
            s.AddScoped<ICurrentUser>(_ => _user);
            s.AddSingleton(new SupervisionSettings { DefaultIdleDays = 30, IdleDays = { ["intake"] = 7 } });
        });
        _host.Clock.Set(Monday2March);
        await PlieInitializer.InitializeAsync(_host.Services, EngineHost.WorkflowsFolder());

        _user.As("conseiller.dunkerque", "Dunkerque-Centre", PlieRoles.Conseiller);
        _a = await Send(Orientation("Karima", "Benali"));
        _host.Clock.Set(Monday2March.AddDays(10));
        _user.As("conseiller.grande-synthe", "Grande-Synthe", PlieRoles.Conseiller);
        _b = await Send(Orientation("Jean", "Dupont"));
        _host.Clock.Set(Monday2March.AddDays(12));
        _user.As("conseiller.dunkerque", "Dunkerque-Centre", PlieRoles.Conseiller);
        _c = await Send(Orientation("Lucie", "Martin"));
        _host.Clock.Set(Monday2March.AddDays(16));
        await _host.Db(async db =>
        {
            db.Incidents.Add(new IncidentRecord
            {
                Id = Guid.NewGuid(), InstanceId = _b.ProcessInstanceId, ElementId = "Task_CheckEligibility",
                Message = "Le service des communes ne répond pas.", CreatedAt = _host.Clock.GetUtcNow(),
            });
            return await db.SaveChangesAsync();
        });
        _user.As("responsable", null, PlieRoles.ResponsableAccompagnement);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static StartIntakeCommand Orientation(string first, string last) =>
        new(first, last, new DateOnly(1980, 5, 17), "59183", null, "0600000000", null, null, null);

    private async Task<T> Send<T>(ICommand<T> command)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command);
    }

    private async Task<T> Query<T>(IQuery<T> query)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(query);
    }

    private async Task<List<Guid>> StalledIds(StalledCasesQuery query) =>
        (await Query(query)).Items.Select(c => c.InstanceId).ToList();

    [Fact]
    public async Task Overdue_idle_and_incident_cases_are_listed_with_their_reasons_oldest_first()
    {
        var page = await Query(new StalledCasesQuery());

        Assert.Equal(2, page.Total);
        Assert.Equal([_a.ProcessInstanceId, _b.ProcessInstanceId], page.Items.Select(c => c.InstanceId));
        var a = page.Items[0];
        Assert.Equal([StallReason.Overdue, StallReason.Idle], a.Reasons);
        Assert.Equal("Karima BENALI", a.ParticipantName);
        Assert.Equal("Dunkerque-Centre", a.Antenne);
        Assert.Equal(("intake", 1), (a.ProcessKey, a.Version));
        var step = Assert.Single(a.Steps);
        Assert.Equal(("Task_FirstInterview", "Entretiens de 1er accueil", "conseiller.dunkerque"), (step.ElementId, step.Name, step.Assignee));
        Assert.True(step.Overdue);
        Assert.Equal(Monday2March.AddDays(15), a.DueAt);
        Assert.Equal(TimeSpan.FromDays(16), a.Age);
        Assert.Equal(7, a.IdleDays);
        var b = page.Items[1];
        Assert.Equal([StallReason.Incident], b.Reasons);
        Assert.Equal("Le service des communes ne répond pas.", b.IncidentMessage);
        Assert.DoesNotContain(_c.ProcessInstanceId, page.Items.Select(c => c.InstanceId));
    }

    [Fact]
    public async Task Each_reason_antenne_step_referent_and_process_filters_the_list()
    {
        Assert.Equal([_a.ProcessInstanceId], await StalledIds(new StalledCasesQuery([StallReason.Overdue])));
        Assert.Equal([_a.ProcessInstanceId], await StalledIds(new StalledCasesQuery([StallReason.Idle])));
        Assert.Equal([_b.ProcessInstanceId], await StalledIds(new StalledCasesQuery([StallReason.Incident])));
        Assert.Equal([_b.ProcessInstanceId], await StalledIds(new StalledCasesQuery(Antenne: "Grande-Synthe")));
        Assert.Equal([_a.ProcessInstanceId], await StalledIds(new StalledCasesQuery(Step: "Entretiens de 1er accueil", Reasons: [StallReason.Overdue])));
        Assert.Equal([_a.ProcessInstanceId, _b.ProcessInstanceId], await StalledIds(new StalledCasesQuery(Step: "Task_FirstInterview")));
        Assert.Empty(await StalledIds(new StalledCasesQuery(Step: "Task_Validation")));
        // A step's name may be typed in part, in any case, without its accents.
        Assert.Equal([_a.ProcessInstanceId, _b.ProcessInstanceId], await StalledIds(new StalledCasesQuery(Step: "ENTRETIENS de 1er")));
        Assert.Empty(await StalledIds(new StalledCasesQuery(Step: "Contrôle des pièces")));
        Assert.Empty(await StalledIds(new StalledCasesQuery(Step: "entretiens", ProcessKey: "autre")));
        Assert.Empty(await StalledIds(new StalledCasesQuery(ProcessKey: "autre")));
        Assert.Equal([_b.ProcessInstanceId, _a.ProcessInstanceId], await StalledIds(new StalledCasesQuery(Sort: StalledSort.NewestFirst)));

        Assert.Empty(await StalledIds(new StalledCasesQuery(Referent: "conseiller.dunkerque")));
        await _host.Db(db => db.Participants.Where(p => p.Id == _a.ParticipantId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.ReferentUserId, "conseiller.dunkerque")));
        Assert.Equal([_a.ProcessInstanceId], await StalledIds(new StalledCasesQuery(Referent: "conseiller.dunkerque")));
    }

    [Fact]
    public async Task The_list_is_paged_without_counting_beyond_the_page_shown()
    {
        var first = await Query(new StalledCasesQuery(PageSize: 1));
        Assert.Equal([_a.ProcessInstanceId], first.Items.Select(c => c.InstanceId));
        Assert.True(first.HasMore);
        Assert.Equal((1, 2), (first.Total, first.PageCount));

        var second = await Query(new StalledCasesQuery(Page: 2, PageSize: 1));
        Assert.Equal([_b.ProcessInstanceId], second.Items.Select(c => c.InstanceId));
        Assert.False(second.HasMore);
        Assert.Equal((2, 2), (second.Total, second.PageCount));

        var beyond = await Query(new StalledCasesQuery(Page: 3, PageSize: 1));
        Assert.Empty(beyond.Items);
        Assert.False(beyond.HasMore);
    }

    [Fact]
    public async Task Not_stalled_only_lists_every_case_waiting_at_a_step_and_the_thresholds_follow_the_settings()
    {
        var atStep = await Query(new StalledCasesQuery(Step: "Task_FirstInterview", StalledOnly: false, ProcessKey: "intake"));
        Assert.Equal(3, atStep.Total);
        Assert.Equal([_a.ProcessInstanceId, _b.ProcessInstanceId, _c.ProcessInstanceId], atStep.Items.Select(c => c.InstanceId));
        Assert.Empty(atStep.Items[2].Reasons);

        // Two days later B is idle too (8 days > 7), C not yet (6 days).
        _host.Clock.Set(Monday2March.AddDays(18));
        Assert.Equal([_a.ProcessInstanceId, _b.ProcessInstanceId], await StalledIds(new StalledCasesQuery([StallReason.Idle])));
    }

    [Fact]
    public async Task A_case_whose_task_is_reassigned_or_that_is_commented_has_still_not_moved()
    {
        // A waits at the first interview since Monday 2 March. Today its task is given to someone else and the case is
        // commented: both are recorded as activity, but neither moves the case, so it is still idle.
        var task = await _host.Db(db => db.UserTasks.AsNoTracking()
            .SingleAsync(t => t.InstanceId == _a.ProcessInstanceId && t.State == UserTaskState.Open));
        await _host.Do(e => e.AssignTaskAsync(task.Id, "conseiller.grande-synthe", "responsable"));
        await Send(new CommentCaseCommand(_a.ProcessInstanceId, "Réattribuée, à relancer."));

        var a = Assert.Single((await Query(new StalledCasesQuery([StallReason.Idle]))).Items);
        Assert.Equal(_a.ProcessInstanceId, a.InstanceId);
        Assert.Equal(Monday2March, a.WaitingSince);
        Assert.Equal(Monday2March.AddDays(16), a.LastActivityAt);
        Assert.Equal([StallReason.Overdue, StallReason.Idle], a.Reasons);
        Assert.Equal("conseiller.grande-synthe", Assert.Single(a.Steps).Assignee);
    }

    /// <summary>
    /// « suivi »: two tasks in a row, the first with the same id as the intake's first interview, so that its cases are
    /// judged by the default threshold (30 days) where the intake's are by 7.
    /// </summary>
    private const string Suivi = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="test">
          <bpmn:process id="suivi" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_FirstInterview" />
            <bpmn:userTask id="Task_FirstInterview" name="Entretien de suivi" camunda:candidateGroups="conseiller" />
            <bpmn:sequenceFlow id="f2" sourceRef="Task_FirstInterview" targetRef="Task_Review" />
            <bpmn:userTask id="Task_Review" name="Bilan" camunda:candidateGroups="conseiller" />
            <bpmn:sequenceFlow id="f3" sourceRef="Task_Review" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>Deploys « suivi » and starts a case of it on <paramref name="day"/> (days after Monday 2 March).</summary>
    private async Task<Guid> StartSuiviAsync(int day)
    {
        await _host.DeployAsync(Suivi);
        var now = _host.Clock.GetUtcNow();
        _host.Clock.Set(Monday2March.AddDays(day));
        var started = await _host.With(e => e.StartAsync("suivi", null, null, "responsable"));
        _host.Clock.Set(now);
        return started.Id;
    }

    private Task<UserTaskRecord> OpenTaskAsync(Guid instanceId) => _host.Db(db => db.UserTasks.AsNoTracking()
        .SingleAsync(t => t.InstanceId == instanceId && t.State == UserTaskState.Open));

    [Fact]
    public async Task Longest_waiting_first_sorts_the_cases_by_how_long_their_step_has_waited()
    {
        // S starts on day 1, but its first task is done on day 15: it waits since then. C's task is given to someone
        // today (day 16): that is activity, not a move, so C still waits since day 12.
        var s = await StartSuiviAsync(day: 1);
        _host.Clock.Set(Monday2March.AddDays(15));
        await _host.Do(async e => await e.CompleteTaskAsync((await OpenTaskAsync(s)).Id, null, "conseiller.dunkerque"));
        _host.Clock.Set(Monday2March.AddDays(16));
        await _host.Do(async e => await e.AssignTaskAsync((await OpenTaskAsync(_c.ProcessInstanceId)).Id, "conseiller.grande-synthe", "responsable"));

        Assert.Equal([_a.ProcessInstanceId, s, _b.ProcessInstanceId, _c.ProcessInstanceId],
            await StalledIds(new StalledCasesQuery(StalledOnly: false)));
        var page = await Query(new StalledCasesQuery(StalledOnly: false, Sort: StalledSort.LongestIdleFirst));
        Assert.Equal([_a.ProcessInstanceId, _b.ProcessInstanceId, _c.ProcessInstanceId, s], page.Items.Select(c => c.InstanceId));
        Assert.Equal([0, 10, 12, 15], page.Items.Select(c => (c.WaitingSince - Monday2March).Days));
        // At a step: how long the case has waited there.
        Assert.Equal([_a.ProcessInstanceId, _b.ProcessInstanceId, _c.ProcessInstanceId],
            await StalledIds(new StalledCasesQuery(Step: "Task_FirstInterview", StalledOnly: false, Sort: StalledSort.LongestIdleFirst)));
        // Stuck ones only: A (overdue, idle) and B (incident).
        Assert.Equal([_a.ProcessInstanceId, _b.ProcessInstanceId], await StalledIds(new StalledCasesQuery(Sort: StalledSort.LongestIdleFirst)));
    }

    [Fact]
    public async Task An_element_id_shared_by_processes_with_different_thresholds_is_judged_by_the_case_s_own_process()
    {
        // A « suivi » case (default threshold: 30 days) waits at a task with the same id as the intake's first interview
        // (threshold 7) since Monday 2 March, like A.
        var followUp = await StartSuiviAsync(day: 0);

        // 16 days: A (intake, 7) is idle, the « suivi » case (30) is not; gathered or walked, the same answer.
        Assert.Equal([_a.ProcessInstanceId], await StalledIds(new StalledCasesQuery([StallReason.Idle])));
        Assert.Equal([_a.ProcessInstanceId], await StalledIds(new StalledCasesQuery([StallReason.Idle], Step: "Task_FirstInterview")));
        Assert.Equal([_a.ProcessInstanceId, _b.ProcessInstanceId], await StalledIds(new StalledCasesQuery()));

        // 31 days: the « suivi » case is idle too.
        _host.Clock.Set(Monday2March.AddDays(31));
        Assert.Contains(followUp, await StalledIds(new StalledCasesQuery([StallReason.Idle])));
        Assert.Contains(followUp, await StalledIds(new StalledCasesQuery()));
        var row = (await Query(new StalledCasesQuery([StallReason.Idle], ProcessKey: "suivi"))).Items.Single();
        Assert.Equal((followUp, 30, Monday2March), (row.InstanceId, row.IdleDays, row.WaitingSince));
    }

    [Fact]
    public async Task Only_those_who_oversee_the_cases_may_list_them()
    {
        _user.As("conseiller.dunkerque", "Dunkerque-Centre", PlieRoles.Conseiller);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Query(new StalledCasesQuery()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Query(new GetHeatmapQuery("intake")));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Query(new GetDashboardQuery()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            Send(new CommentCaseCommand(_a.ProcessInstanceId, "Relancé.")));

        _user.As("superviseur", null, PlieRoles.Superviseur);
        Assert.Equal(2, (await Query(new StalledCasesQuery())).Total);
    }

    [Fact]
    public async Task The_heatmap_counts_the_cases_waiting_at_each_step_the_late_ones_and_the_median_wait()
    {
        var heatmap = await Query(new GetHeatmapQuery("intake"));

        Assert.Equal(1, heatmap.Version);
        var first = Assert.Single(heatmap.Elements);
        Assert.Equal(("Task_FirstInterview", "Entretiens de 1er accueil", 3, 1), (first.ElementId, first.Name, first.Waiting, first.Late));
        // Waits of 16, 6 and 4 days: the median is 6 days.
        Assert.Equal(TimeSpan.FromDays(6), first.MedianWait);

        await Assert.ThrowsAsync<Plie.Application.Common.NotFoundException>(() => Query(new GetHeatmapQuery("intake", 9)));
    }

    [Fact]
    public async Task A_comment_is_kept_in_the_case_history_and_audited_on_the_file()
    {
        var comment = await Send(new CommentCaseCommand(_a.ProcessInstanceId, "  Relancée par téléphone, rendez-vous jeudi.  "));

        var history = await _host.HistoryAsync(_a.ProcessInstanceId);
        var recorded = history.Single(h => h.Type == CommentHistory.Type);
        Assert.Equal(("responsable", Monday2March.AddDays(16)), (recorded.UserId, recorded.At));
        Assert.Contains("Relancée par téléphone, rendez-vous jeudi.", recorded.Data);
        Assert.Equal("Relancée par téléphone, rendez-vous jeudi.", comment.Text);
        var audit = await _host.Db(db => db.AuditEntries.AsNoTracking().Where(e => e.ParticipantId == _a.ParticipantId && e.Action == "case.commented").ToListAsync());
        Assert.Equal("responsable", Assert.Single(audit).UserId);
        await Assert.ThrowsAsync<FluentValidation.ValidationException>(() => Send(new CommentCaseCommand(_a.ProcessInstanceId, "   ")));
        await Assert.ThrowsAsync<Plie.Application.Common.NotFoundException>(() => Send(new CommentCaseCommand(Guid.NewGuid(), "x")));
    }

    [Fact]
    public async Task The_dashboard_counts_cases_opened_closed_and_open_per_iso_week_and_antenne()
    {
        // C is cancelled on Wednesday 18 March.
        await _host.Do(e => e.CancelInstanceAsync(_c.ProcessInstanceId, "Déménagement", "responsable"));

        var dashboard = await Query(new GetDashboardQuery(Weeks: 3));

        Assert.Equal([new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 16)], dashboard.Weeks);
        var rows = dashboard.Rows.Select(r => (r.Week, r.Antenne, r.Opened, r.Closed, r.OpenAtWeekEnd)).ToList();
        Assert.Equal(
        [
            ("2026-S10", "Dunkerque-Centre", 1, 0, 1),
            ("2026-S11", "Dunkerque-Centre", 1, 0, 2),
            ("2026-S11", "Grande-Synthe", 1, 0, 1),
            ("2026-S12", "Dunkerque-Centre", 0, 1, 1),
            ("2026-S12", "Grande-Synthe", 0, 0, 1),
        ], rows);
        Assert.Equal([1, 3, 2], dashboard.Totals.Select(t => t.OpenAtWeekEnd));
        Assert.Equal([("2026-S12", 0, 0, 1)],
            (await Query(new GetDashboardQuery("Grande-Synthe", Weeks: 1))).Rows.Select(r => (r.Week, r.Opened, r.Closed, r.OpenAtWeekEnd)));
    }
}
