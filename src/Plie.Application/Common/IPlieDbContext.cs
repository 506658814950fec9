using Microsoft.EntityFrameworkCore;
using Plie.Domain.Auditing;
using Plie.Domain.Participants;
using Plie.Domain.Territory;
using Plie.Workflow.Runtime;

namespace Plie.Application.Common;

/// <summary>The database, as the handlers see it. Handlers query and change it directly.</summary>
public interface IPlieDbContext
{
    DbSet<Participant> Participants { get; }
    DbSet<Commune> Communes { get; }
    DbSet<AuditEntry> AuditEntries { get; }

    DbSet<ProcessDefinitionRecord> ProcessDefinitions { get; }
    DbSet<ProcessInstanceRecord> ProcessInstances { get; }
    DbSet<ExecutionRecord> Executions { get; }
    DbSet<UserTaskRecord> UserTasks { get; }
    DbSet<JobRecord> Jobs { get; }
    DbSet<IncidentRecord> Incidents { get; }
    DbSet<HistoryEventRecord> HistoryEvents { get; }
    DbSet<VariableRecord> Variables { get; }

    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);
}
