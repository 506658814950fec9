using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Application.Intake.Documents;
using Plie.Domain.Intake;
using Plie.Domain.Participants;
using Plie.Workflow.Runtime;

namespace Plie.Application.Participants;

/// <summary>Everything the file page shows, within what the user may see. Reading a file is audited.</summary>
public sealed record GetParticipantFileQuery(Guid ParticipantId) : IQuery<ParticipantFile>;

public sealed record ParticipantFile(
    Guid Id, string FirstName, string LastName, DateOnly BirthDate, int Age, string? Address, string CommuneInseeCode,
    string CommuneName, string? Phone, string? Email, string? Antenne, string Status, string StatusLabel,
    DateOnly? EntryDate, string? ReferentUserId, string? RefusalReason, string? Situation, string? Availability,
    bool AvailableForAccompaniment, string? PrescriberType, string? PrescriberName, IReadOnlyList<string> PriorityPublics,
    FseEntryData Fse, IReadOnlyList<string> FseMissing,
    IReadOnlyList<InterviewView> Interviews, IReadOnlyList<DecisionView> Decisions,
    IReadOnlyList<DocumentView> Documents, IReadOnlyList<RequiredDocumentStatus> RequiredDocuments,
    IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<OpenTaskView> OpenTasks, ContractView? Contract, bool ReportsVisible,
    IReadOnlyList<ProcedureView> Procedures);

public sealed record InterviewView(int Number, DateOnly HeldOn, string? Report, string By);
public sealed record DecisionView(string Step, string Outcome, string? Reason, string By, DateTimeOffset At);
public sealed record DocumentView(Guid Id, string TypeCode, string FileName, string ContentType, long Size, string Status,
    string? ReviewReason, DateTimeOffset UploadedAt, string UploadedBy);
public sealed record TimelineEntry(DateTimeOffset At, string What, string? Who, string? Detail);
public sealed record OpenTaskView(Guid Id, string Name, string? Assignee, IReadOnlyList<string> CandidateGroups, DateTimeOffset? DueAt,
    bool Late, string? FormKey);
/// <summary>A process instance of the participant (business key = participant id), for the link to its viewer.</summary>
public sealed record ProcedureView(Guid InstanceId, string ProcessKey, string? ProcessName, int Version, InstanceState State,
    DateTimeOffset StartedAt, DateTimeOffset? EndedAt);
public sealed record ContractView(Guid Id, DateTimeOffset SignedAt, string CounsellorId, string DocumentSha256, string SignedPdfSha256);

public sealed class GetParticipantFileHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : IQueryHandler<GetParticipantFileQuery, ParticipantFile>
{
    public async ValueTask<ParticipantFile> Handle(GetParticipantFileQuery query, CancellationToken ct)
    {
        var p = await db.Participants.AsNoTracking().VisibleTo(user).FirstOrDefaultAsync(x => x.Id == query.ParticipantId, ct)
                ?? throw new NotFoundException("Ce dossier n'existe pas ou ne vous est pas accessible.");
        var now = clock.GetUtcNow();
        var reports = ParticipantAccess.CanReadReports(user);
        var commune = await db.Communes.AsNoTracking().Where(c => c.InseeCode == p.CommuneInseeCode).Select(c => c.Name).FirstOrDefaultAsync(ct);
        var interviews = await db.FirstInterviews.AsNoTracking().Where(i => i.ParticipantId == p.Id).OrderBy(i => i.Number)
            .Select(i => new InterviewView(i.Number, i.HeldOn, reports ? i.Report : null, i.By)).ToListAsync(ct);
        var decisions = await db.IntakeDecisions.AsNoTracking().Where(d => d.ParticipantId == p.Id).OrderBy(d => d.At)
            .Select(d => new DecisionView(d.Step, d.Outcome, d.Reason, d.By, d.At)).ToListAsync(ct);
        var documents = await db.SupportingDocuments.AsNoTracking().Where(d => d.ParticipantId == p.Id).OrderByDescending(d => d.UploadedAt)
            .Select(d => new DocumentView(d.Id, d.TypeCode, d.FileName, d.ContentType, d.Size, d.Status.ToString(), d.ReviewReason,
                d.UploadedAt, d.UploadedBy)).ToListAsync(ct);
        var required = await DocumentsStatus.RequiredAsync(db, p.Id, p.EntryDate ?? DateOnly.FromDateTime(now.UtcDateTime), ct);
        var key = p.Id.ToString();
        var procedures = (await db.ProcessInstances.AsNoTracking().Where(i => i.BusinessKey == key)
            .Join(db.ProcessDefinitions, i => i.DefinitionId, d => d.Id, (i, d) => new ProcedureView(i.Id, i.DefinitionKey, d.Name,
                i.DefinitionVersion, i.State, i.StartedAt, i.EndedAt))
            .ToListAsync(ct)).OrderBy(p => p.StartedAt).ToList();
        var instanceIds = procedures.Select(i => i.InstanceId).ToList();
        var history = await db.HistoryEvents.AsNoTracking()
            .Where(h => instanceIds.Contains(h.InstanceId) && (h.Type == HistoryTypes.TaskCompleted || h.Type == HistoryTypes.InstanceStarted
                        || h.Type == HistoryTypes.InstanceCompleted || h.Type == HistoryTypes.InstanceCancelled || h.Type == HistoryTypes.IncidentCreated
                        || h.Type == HistoryTypes.TaskAssigned || h.Type == HistoryTypes.MessageCorrelated))
            .OrderBy(h => h.Id).Take(500).ToListAsync(ct);
        var timeline = history.Select(h => new TimelineEntry(h.At, h.Type switch
            {
                HistoryTypes.TaskCompleted => $"Étape terminée : {h.ElementName ?? h.ElementId}",
                HistoryTypes.InstanceStarted => "Procédure démarrée",
                HistoryTypes.InstanceCompleted => "Procédure terminée",
                HistoryTypes.InstanceCancelled => "Procédure annulée",
                HistoryTypes.IncidentCreated => $"Incident : {h.ElementName ?? h.ElementId}",
                HistoryTypes.TaskAssigned => $"Tâche réattribuée : {h.ElementName ?? h.ElementId}",
                HistoryTypes.MessageCorrelated => "Pièces déposées : la procédure reprend",
                _ => h.Type,
            }, h.UserId, null))
            .Concat(decisions.Select(d => new TimelineEntry(d.At, IntakeSteps.Label(d.Step, d.Outcome), d.By, reports ? d.Reason : null)))
            .OrderBy(t => t.At).ToList();
        var tasks = await db.UserTasks.AsNoTracking().Where(t => t.BusinessKey == key && t.State == UserTaskState.Open)
            .OrderBy(t => t.CreatedAt).ToListAsync(ct);
        var contract = await db.EngagementContracts.AsNoTracking().Where(c => c.ParticipantId == p.Id).OrderByDescending(c => c.GeneratedAt)
            .Select(c => new ContractView(c.Id, c.CounsellorSignedAt, c.CounsellorId, c.DocumentSha256, c.SignedPdfSha256)).FirstOrDefaultAsync(ct);

        db.Record(user, p.Id, "participant.viewed", null, clock);
        await db.SaveChangesAsync(ct);

        return new ParticipantFile(p.Id, p.FirstName, p.LastName, p.BirthDate, p.AgeOn(DateOnly.FromDateTime(now.UtcDateTime)), p.Address,
            p.CommuneInseeCode, commune ?? p.CommuneInseeCode, p.Phone, p.Email, p.Antenne, p.Status.ToString(), StatusLabel(p.Status),
            p.EntryDate, p.ReferentUserId, p.RefusalReason, p.Situation, p.Availability, p.AvailableForAccompaniment,
            p.PrescriberType, p.PrescriberName, p.PriorityPublics, p.Fse, p.Fse.Missing(p.Phone, p.Email),
            interviews, reports ? decisions : decisions.Select(d => d with { Reason = null }).ToList(), documents, required, timeline,
            tasks.Select(t => new OpenTaskView(t.Id, t.Name ?? t.ElementId, t.Assignee, t.CandidateGroups, t.DueAt, t.DueAt < now, t.FormKey)).ToList(),
            contract, reports, procedures);
    }

    public static string StatusLabel(ParticipantStatus status) => status switch
    {
        ParticipantStatus.InIntake => "En cours d'accueil",
        ParticipantStatus.Participant => "Participant PLIE",
        ParticipantStatus.Refused => "Entrée refusée",
        _ => "Sorti",
    };
}
