using Microsoft.EntityFrameworkCore;
using Plie.Domain.Auditing;
using Plie.Domain.Designer;
using Plie.Domain.Intake;
using Plie.Domain.ReferenceData;
using Plie.Domain.Participants;
using Plie.Domain.Territory;
using Plie.Workflow.Runtime;

namespace Plie.Application.Common;

/// <summary>The database, as the handlers see it. Handlers query and change it directly.</summary>
public interface IPlieDbContext
{
    DbSet<Participant> Participants { get; }
    DbSet<Commune> Communes { get; }
    DbSet<PlieMembership> PlieMemberships { get; }
    DbSet<AuditEntry> AuditEntries { get; }
    DbSet<FirstInterview> FirstInterviews { get; }
    DbSet<IntakeDecision> IntakeDecisions { get; }
    DbSet<SupportingDocument> SupportingDocuments { get; }
    DbSet<EngagementContract> EngagementContracts { get; }
    DbSet<ReferenceItem> ReferenceItems { get; }
    DbSet<Antenne> Antennes { get; }
    DbSet<ProcessDraft> ProcessDrafts { get; }

    DbSet<ProcessDefinitionRecord> ProcessDefinitions { get; }
    DbSet<ProcessInstanceRecord> ProcessInstances { get; }
    DbSet<ExecutionRecord> Executions { get; }
    DbSet<UserTaskRecord> UserTasks { get; }
    DbSet<JobRecord> Jobs { get; }
    DbSet<IncidentRecord> Incidents { get; }
    DbSet<HistoryEventRecord> HistoryEvents { get; }
    DbSet<VariableRecord> Variables { get; }
    DbSet<MessageSubscriptionRecord> MessageSubscriptions { get; }

    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);
}
