using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Plie.Application.Common;
using Plie.Application.Intake.Contract;
using Plie.Application.Intake.CounsellorOpinion;
using Plie.Application.Intake.Documents;
using Plie.Application.Intake.FirstInterviews;
using Plie.Application.Intake.StartIntake;
using Plie.Application.Intake.Validation;
using Plie.Application.Participants;
using Plie.Domain.Intake;
using Plie.Domain.Participants;
using Plie.Infrastructure.Hosting;
using Plie.Testing;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Intake;

/// <summary>The intake as the three departments do it, through the application's commands, on PostgreSQL.</summary>
public sealed class IntakeCommandsTests : IAsyncLifetime
{
    private readonly TestUser _user = new();
    private EngineHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await EngineHost.StartAsync(configure: s => s.AddScoped<ICurrentUser>(_ => _user));
        _host.Clock.Set(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await PlieInitializer.InitializeAsync(_host.Services, EngineHost.WorkflowsFolder());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();


    private async Task<T> Send<T>(ICommand<T> command)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command);
    }

    private async Task Send(ICommand command)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ISender>().Send(command);
    }

    private async Task<T> Query<T>(IQuery<T> query)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(query);
    }

    private void AsConseiller() => _user.As("conseiller.dunkerque", "dunkerque-centre", PlieRoles.Conseiller);
    private void AsResponsable() => _user.As("responsable", null, PlieRoles.ResponsableAccompagnement);
    private void AsStatistiques() => _user.As("statistiques", null, PlieRoles.Statistiques);

    private async Task<Guid> TaskAsync(Guid instanceId, string elementId) => (await _host.SingleTaskAsync(instanceId, elementId)).Id;

    private async Task<StartIntakeResult> OrientAndValidateAsync()
    {
        AsConseiller();
        var started = await Send(new StartIntakeCommand("Karima", "Benali", new DateOnly(1980, 5, 17), "59183", "12 rue de la Digue",
            "0600000000", null, null, null, Situation: "Seule avec deux enfants", PrescriberType: "france-travail",
            PriorityPublics: ["deld"], Fse: new FseEntryData { EmploymentStatus = "chomeur-longue-duree", EducationLevel = "isced-3-4", DeclinedSensitiveItems = true }));
        var id = started.ProcessInstanceId;
        await Send(new AddFirstInterviewCommand(started.ParticipantId, new DateOnly(2026, 3, 2), "Diagnostic : mobilité (pas de permis), garde d'enfants."));
        await Send(new CompleteFirstInterviewsCommand(await TaskAsync(id, "Task_FirstInterview")));
        await Send(new SubmitCounsellorOpinionCommand(await TaskAsync(id, "Task_CounsellorOpinion"), "favorable", "Motivée, projet clair."));
        AsResponsable();
        await Send(new SubmitValidationCommand(await TaskAsync(id, "Task_Validation"), "validate", null));
        await _host.RunDueJobsAsync();
        return started;
    }

    [Fact]
    public async Task Three_departments_take_a_person_from_orientation_to_a_signed_contract()
    {
        var started = await OrientAndValidateAsync();
        var id = started.ProcessInstanceId;
        var participantId = started.ParticipantId;

        AsConseiller();
        var identity = await Send(new UploadDocumentCommand(participantId, "piece-identite", "cni.pdf", TestFiles.Pdf()));
        var address = await Send(new UploadDocumentCommand(participantId, "justificatif-domicile", "edf.png", TestFiles.SignaturePng()));
        var franceTravail = await Send(new UploadDocumentCommand(participantId, "attestation-france-travail", "ft.pdf", TestFiles.Pdf()));
        Assert.Equal("image/png", address.ContentType);

        AsStatistiques();
        var review = await Send(new ReviewDocumentsCommand(await TaskAsync(id, "Task_DocumentsReview"),
        [
            new DocumentReview(identity.DocumentId, true, null),
            new DocumentReview(address.DocumentId, false, "Facture de plus de trois mois"),
            new DocumentReview(franceTravail.DocumentId, true, null),
        ], false, null));
        Assert.Equal("missing", review.Decision);
        Assert.Contains(review.MissingDocuments, m => m.Contains("Facture de plus de trois mois"));

        AsConseiller();
        var file = await Query(new GetParticipantFileQuery(participantId));
        Assert.Contains(file.OpenTasks, t => t.FormKey == "intake:collect-documents");
        _host.Clock.Advance(TimeSpan.FromDays(1));
        var again = await Send(new UploadDocumentCommand(participantId, "justificatif-domicile", "quittance.pdf", TestFiles.Pdf("quittance")));
        Assert.True(again.CaseResumed);

        AsStatistiques();
        await Send(new ReviewDocumentsCommand(await TaskAsync(id, "Task_DocumentsReview"), [new DocumentReview(again.DocumentId, true, null)], false, null));

        AsConseiller();
        var preview = await Query(new PreviewContractQuery(participantId));
        Assert.Contains(preview.Paragraphs, p => p.Contains("Karima Benali"));
        var signature = "data:image/png;base64," + Convert.ToBase64String(TestFiles.SignaturePng());
        await Send(new SignContractCommand(await TaskAsync(id, "Task_Contract"), signature, signature, preview.DocumentSha256));

        Assert.Equal(InstanceState.Completed, (await _host.InstanceAsync(id)).State);
        file = await Query(new GetParticipantFileQuery(participantId));
        Assert.Equal(nameof(ParticipantStatus.Participant), file.Status);
        Assert.Equal("conseiller.dunkerque", file.ReferentUserId);
        Assert.NotNull(file.Contract);
        Assert.Equal(preview.DocumentSha256, file.Contract.DocumentSha256);
        var pdf = await Query(new GetContractPdfQuery(participantId));
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
        Assert.Contains(file.Timeline, t => t.What.Contains("Pièces déposées"));
        Assert.Empty(file.FseMissing);

        var actions = await _host.Db(db => db.AuditEntries.AsNoTracking().Where(a => a.ParticipantId == participantId)
            .Select(a => a.Action + ":" + a.UserId).ToListAsync());
        Assert.Contains("intake.validation-decided:responsable", actions);
        Assert.Contains("intake.documents-reviewed:statistiques", actions);
        Assert.Contains("intake.contract-signed:conseiller.dunkerque", actions);
        Assert.Contains("participant.viewed:conseiller.dunkerque", actions);
    }

    [Fact]
    public async Task A_conseiller_of_another_antenne_can_neither_open_the_file_nor_work_its_tasks()
    {
        var started = await OrientAndValidateAsync();
        _user.As("conseiller.grande-synthe", "grande-synthe", PlieRoles.Conseiller);

        await Assert.ThrowsAsync<NotFoundException>(() => Query(new GetParticipantFileQuery(started.ParticipantId)));
        var search = await Query(new SearchParticipantsQuery("Benali", null, null));
        Assert.Empty(search.Items);
        await Assert.ThrowsAsync<NotFoundException>(() =>
            Send(new UploadDocumentCommand(started.ParticipantId, "piece-identite", "cni.pdf", TestFiles.Pdf())));
    }

    [Fact]
    public async Task A_search_for_a_person_is_audited_with_its_criteria_and_what_it_found()
    {
        await OrientAndValidateAsync();
        AsConseiller();
        var found = await Query(new SearchParticipantsQuery("benali", null, null));
        await Query(new SearchParticipantsQuery(null, null, "59183"));

        Assert.Single(found.Items);
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IPlieDbContext>();
        var searches = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "participants.searched").ToListAsync();
        var entry = Assert.Single(searches);
        Assert.Equal("conseiller.dunkerque", entry.UserId);
        var details = System.Text.Json.Nodes.JsonNode.Parse(entry.Details!)!;
        Assert.Equal("benali", (string?)details["name"]);
        Assert.Equal(1, (int?)details["found"]);
    }

    [Fact]
    public async Task Statistiques_sees_the_file_but_not_the_written_reports()
    {
        var started = await OrientAndValidateAsync();
        AsStatistiques();
        var file = await Query(new GetParticipantFileQuery(started.ParticipantId));
        Assert.False(file.ReportsVisible);
        Assert.All(file.Interviews, i => Assert.Null(i.Report));
        Assert.All(file.Decisions, d => Assert.Null(d.Reason));
    }

    [Fact]
    public async Task Bad_uploads_and_a_third_interview_are_refused_with_clear_messages()
    {
        AsConseiller();
        var started = await Send(new StartIntakeCommand("Jean", "Martin", new DateOnly(1970, 1, 1), "59183", null, null, null, null, null));
        var participantId = started.ParticipantId;

        var notPdf = await Assert.ThrowsAsync<FluentValidation.ValidationException>(() =>
            Send(new UploadDocumentCommand(participantId, "piece-identite", "cni.pdf", "MZ\u0090 not a pdf"u8.ToArray())));
        Assert.Contains("PDF, JPEG et PNG", notPdf.Message);
        var tooBig = new byte[SupportingDocument.MaxBytes + 1];
        "%PDF-"u8.CopyTo(tooBig);
        var big = await Assert.ThrowsAsync<FluentValidation.ValidationException>(() =>
            Send(new UploadDocumentCommand(participantId, "piece-identite", "big.pdf", tooBig)));
        Assert.Contains("10 Mo", big.Message);

        await Send(new AddFirstInterviewCommand(participantId, new DateOnly(2026, 2, 20), "Premier entretien."));
        await Send(new AddFirstInterviewCommand(participantId, new DateOnly(2026, 3, 1), "Second entretien."));
        var third = await Assert.ThrowsAsync<FluentValidation.ValidationException>(() =>
            Send(new AddFirstInterviewCommand(participantId, new DateOnly(2026, 3, 2), "Troisième.")));
        Assert.Contains("Au plus 2", third.Message);
        Assert.Equal(0, await _host.Db(db => db.SupportingDocuments.CountAsync()));

        var file = await Query(new GetParticipantFileQuery(participantId));
        Assert.Contains("niveau de formation (CITE)", file.FseMissing);
    }

    [Fact]
    public async Task The_validation_refusal_needs_a_reason_and_ends_the_case_with_it()
    {
        AsConseiller();
        var started = await Send(new StartIntakeCommand("Paul", "Durand", new DateOnly(1975, 1, 1), "59183", null, null, null, null, null));
        var id = started.ProcessInstanceId;
        await Send(new AddFirstInterviewCommand(started.ParticipantId, new DateOnly(2026, 3, 2), "RAS"));
        await Send(new CompleteFirstInterviewsCommand(await TaskAsync(id, "Task_FirstInterview")));
        await Send(new SubmitCounsellorOpinionCommand(await TaskAsync(id, "Task_CounsellorOpinion"), "defavorable", "Relève de la Mission Locale."));
        AsResponsable();
        var validation = await TaskAsync(id, "Task_Validation");
        await Assert.ThrowsAsync<FluentValidation.ValidationException>(() => Send(new SubmitValidationCommand(validation, "refuse", null)));
        await Send(new SubmitValidationCommand(validation, "refuse", "Public jeune : orientation Mission Locale."));

        AsConseiller();
        var file = await Query(new GetParticipantFileQuery(started.ParticipantId));
        Assert.Equal(nameof(ParticipantStatus.Refused), file.Status);
        Assert.Equal("Public jeune : orientation Mission Locale.", file.RefusalReason);
    }

    [Fact]
    public async Task A_task_can_only_be_completed_by_its_assignee_or_candidate_group()
    {
        AsConseiller();
        var started = await Send(new StartIntakeCommand("Lea", "Petit", new DateOnly(1975, 1, 1), "59183", null, null, null, null, null));
        var task = await TaskAsync(started.ProcessInstanceId, "Task_FirstInterview");
        AsStatistiques();
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Send(new CompleteFirstInterviewsCommand(task)));
    }
}
