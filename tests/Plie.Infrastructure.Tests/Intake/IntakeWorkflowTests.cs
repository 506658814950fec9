using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Plie.Application.Intake.StartIntake;
using Plie.Domain.Participants;
using Plie.Infrastructure.Hosting;
using Plie.Infrastructure.Persistence;
using Plie.Testing;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Intake;

/// <summary>workflows/intake.bpmn on the real engine with the real handlers (Mediator), on PostgreSQL.</summary>
public sealed class IntakeWorkflowTests : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await EngineHost.StartAsync();
        _host.Clock.Set(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await PlieInitializer.InitializeAsync(_host.Services, EngineHost.WorkflowsFolder());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();


    private async Task<StartIntakeResult> OrientAsync(DateOnly birthDate, string commune = "59183")
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new StartIntakeCommand(
            "Karima", "Benali", birthDate, commune, "12 rue de la Digue", "0600000000", null, "Dunkerque-Centre", null));
    }

    private async Task CompleteAsync(Guid instanceId, string elementId, object? variables = null)
    {
        var task = await _host.SingleTaskAsync(instanceId, elementId);
        await _host.CompleteAsync(task.Id, variables, user: "conseiller.test");
    }

    private Task<Participant> ParticipantAsync(Guid id) =>
        _host.Db(db => db.Participants.AsNoTracking().SingleAsync(p => p.Id == id));

    private async Task PassValidationAsync(Guid instanceId)
    {
        await CompleteAsync(instanceId, "Task_FirstInterview", new { firstInterviewReport = "Diagnostic : mobilité, logement." });
        await CompleteAsync(instanceId, "Task_CounsellorOpinion", new { opinion = "favorable", opinionReasons = "Motivée." });
        await CompleteAsync(instanceId, "Task_Validation", new { validationDecision = "validate" });
        await _host.RunDueJobsAsync(); // the eligibility check runs asynchronously
    }

    [Fact]
    public async Task An_eligible_person_goes_from_orientation_to_participant()
    {
        var started = await OrientAsync(new DateOnly(1980, 5, 17));
        var instance = await _host.InstanceAsync(started.ProcessInstanceId);
        Assert.Equal(started.ParticipantId.ToString(), instance.BusinessKey);
        var first = await _host.SingleTaskAsync(instance.Id, "Task_FirstInterview");
        Assert.Equal("system", first.Assignee); // the conseiller who oriented (here, the system user)
        Assert.Equal(_host.Clock.GetUtcNow().AddDays(15), first.DueAt);

        await PassValidationAsync(instance.Id);
        var review = await _host.SingleTaskAsync(instance.Id, "Task_DocumentsReview");
        Assert.Equal(["statistiques"], review.CandidateGroups);
        await CompleteAsync(instance.Id, "Task_DocumentsReview", new { documentsDecision = "accept" });
        await CompleteAsync(instance.Id, "Task_Contract", new { contractSigned = true });

        Assert.Equal(InstanceState.Completed, (await _host.InstanceAsync(instance.Id)).State);
        var participant = await ParticipantAsync(started.ParticipantId);
        Assert.Equal(ParticipantStatus.Participant, participant.Status);
        Assert.Equal(new DateOnly(2026, 3, 2), participant.EntryDate);
        Assert.Equal("system", participant.ReferentUserId);
        var audit = await _host.Db(db => db.AuditEntries.AsNoTracking().Where(a => a.ParticipantId == started.ParticipantId)
            .OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(["participant.created", "intake.eligibility-checked", "intake.admitted"], audit);
    }

    [Fact]
    public async Task A_25_year_old_is_refused_with_the_reason_kept_on_the_file()
    {
        var started = await OrientAsync(new DateOnly(2000, 6, 1)); // 25 on 2026-03-02
        await PassValidationAsync(started.ProcessInstanceId);

        Assert.Equal(InstanceState.Completed, (await _host.InstanceAsync(started.ProcessInstanceId)).State);
        var participant = await ParticipantAsync(started.ParticipantId);
        Assert.Equal(ParticipantStatus.Refused, participant.Status);
        Assert.Contains("25 ans", participant.RefusalReason);
        Assert.Contains(await _host.HistoryAsync(started.ProcessInstanceId), h => h.ElementId == "End_Ineligible");
    }

    [Fact]
    public async Task A_resident_of_a_commune_that_does_not_adhere_is_refused()
    {
        var started = await OrientAsync(new DateOnly(1975, 1, 1), commune: "59159"); // Craywick
        await PassValidationAsync(started.ProcessInstanceId);

        var participant = await ParticipantAsync(started.ParticipantId);
        Assert.Equal(ParticipantStatus.Refused, participant.Status);
        Assert.Contains("Craywick n'adhère pas", participant.RefusalReason);
    }

    [Fact]
    public async Task The_responsable_can_ask_for_more_information_then_refuse()
    {
        var started = await OrientAsync(new DateOnly(1980, 1, 1));
        var id = started.ProcessInstanceId;
        await CompleteAsync(id, "Task_FirstInterview");
        await CompleteAsync(id, "Task_CounsellorOpinion", new { opinion = "réservé" });
        await CompleteAsync(id, "Task_Validation", new { validationDecision = "more-info" });
        Assert.Single(await _host.OpenTasksAsync(id), t => t.ElementId == "Task_CounsellorOpinion");

        await CompleteAsync(id, "Task_CounsellorOpinion", new { opinion = "favorable" });
        await CompleteAsync(id, "Task_Validation", new { validationDecision = "refuse", refusalReason = "Projet professionnel à construire avec la Mission Locale." });

        var participant = await ParticipantAsync(started.ParticipantId);
        Assert.Equal(ParticipantStatus.Refused, participant.Status);
        Assert.Equal("Projet professionnel à construire avec la Mission Locale.", participant.RefusalReason);
    }

    [Fact]
    public async Task Missing_documents_make_the_case_wait_until_they_are_uploaded_and_a_reminder_escalates_meanwhile()
    {
        var started = await OrientAsync(new DateOnly(1980, 1, 1));
        var id = started.ProcessInstanceId;
        await PassValidationAsync(id);
        await CompleteAsync(id, "Task_DocumentsReview", new { documentsDecision = "missing", missingDocuments = "Justificatif de domicile" });
        Assert.Single(await _host.OpenTasksAsync(id), t => t.ElementId == "Task_CollectDocuments");

        _host.Clock.Advance(TimeSpan.FromDays(7));
        await _host.RunDueJobsAsync();
        var reminder = Assert.Single(await _host.OpenTasksAsync(id), t => t.ElementId == "Task_DocumentsReminder");
        Assert.Equal(["responsable-accompagnement"], reminder.CandidateGroups);

        await _host.Do(e => e.CorrelateMessageAsync("pieces-deposees", started.ParticipantId.ToString(), null, "conseiller"));

        var open = (await _host.OpenTasksAsync(id)).Select(t => t.ElementId).Order().ToArray();
        Assert.Equal(["Task_DocumentsReminder", "Task_DocumentsReview"], open); // the collect task closed with the wait
    }

    [Fact]
    public async Task A_validation_still_waiting_after_seven_days_is_escalated_to_the_superviseur_and_stays_open()
    {
        var started = await OrientAsync(new DateOnly(1980, 1, 1));
        var id = started.ProcessInstanceId;
        Assert.Contains(await _host.JobsAsync(), j => j.ElementId == "Timer_FirstInterviewEscalation" && j.InstanceId == id);
        await CompleteAsync(id, "Task_FirstInterview");
        await CompleteAsync(id, "Task_CounsellorOpinion");
        // Done in time, the first interviews leave no escalation behind.
        Assert.DoesNotContain(await _host.JobsAsync(), j => j.ElementId == "Timer_FirstInterviewEscalation");

        _host.Clock.Advance(TimeSpan.FromDays(6));
        await _host.RunDueJobsAsync();
        Assert.DoesNotContain(await _host.OpenTasksAsync(id), t => t.ElementId == "Task_ValidationEscalation");

        _host.Clock.Advance(TimeSpan.FromDays(1));
        await _host.RunDueJobsAsync();
        var open = await _host.OpenTasksAsync(id);
        var escalation = Assert.Single(open, t => t.ElementId == "Task_ValidationEscalation");
        Assert.Equal("Relance : validation en attente", escalation.Name);
        Assert.Equal(["superviseur"], escalation.CandidateGroups);
        Assert.Single(open, t => t.ElementId == "Task_Validation"); // the validation itself waits on

        await CompleteAsync(id, "Task_Validation", new { validationDecision = "validate" });
        await _host.RunDueJobsAsync();
        Assert.Single(await _host.OpenTasksAsync(id), t => t.ElementId == "Task_DocumentsReview");
    }

    [Fact]
    public async Task A_failing_handler_rolls_back_its_own_writes_and_becomes_an_incident()
    {
        var started = await OrientAsync(new DateOnly(1980, 1, 1));
        var id = started.ProcessInstanceId;
        // The file disappears before the check: the handler fails after nothing was written.
        await _host.Db(async db =>
        {
            await db.Participants.Where(p => p.Id == started.ParticipantId).ExecuteDeleteAsync();
            return 0;
        });
        await CompleteAsync(id, "Task_FirstInterview");
        await CompleteAsync(id, "Task_CounsellorOpinion");
        await CompleteAsync(id, "Task_Validation", new { validationDecision = "validate" });
        for (var i = 0; i < 3; i++)
        {
            await _host.RunDueJobsAsync();
            _host.Clock.Advance(TimeSpan.FromMinutes(5));
        }

        var incident = Assert.Single(await _host.IncidentsAsync(id));
        Assert.Equal("Task_CheckEligibility", incident.ElementId);
        Assert.Contains("n'existe pas", incident.Message);
        Assert.Equal(0, await _host.Db(db => db.AuditEntries.CountAsync(a => a.Action == "intake.eligibility-checked")));
    }
}
