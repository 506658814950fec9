using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using Plie.Application.Common;
using Plie.Domain.Auditing;
using Plie.Domain.Designer;
using Plie.Domain.Intake;
using Plie.Domain.ReferenceData;
using Plie.Domain.Participants;
using Plie.Domain.Territory;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Persistence;

/// <summary>
/// The application's database. Engine tables live in the <see cref="WorkflowSchema"/> schema; every table and column
/// is snake_case. Entity mappings are the <see cref="IEntityTypeConfiguration{TEntity}"/> classes of this assembly
/// (Persistence/Configurations): adding an entity means adding a DbSet and a configuration class.
/// </summary>
public class PlieDbContext(DbContextOptions<PlieDbContext> options) : DbContext(options), IPlieDbContext
{
    /// <summary>The schema of the workflow engine's tables.</summary>
    public const string WorkflowSchema = "wf";

    public DbSet<Participant> Participants => Set<Participant>();
    public DbSet<Commune> Communes => Set<Commune>();
    public DbSet<PlieMembership> PlieMemberships => Set<PlieMembership>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<FirstInterview> FirstInterviews => Set<FirstInterview>();
    public DbSet<IntakeDecision> IntakeDecisions => Set<IntakeDecision>();
    public DbSet<SupportingDocument> SupportingDocuments => Set<SupportingDocument>();
    public DbSet<EngagementContract> EngagementContracts => Set<EngagementContract>();
    public DbSet<ReferenceItem> ReferenceItems => Set<ReferenceItem>();
    public DbSet<Antenne> Antennes => Set<Antenne>();
    public DbSet<ProcessDraft> ProcessDrafts => Set<ProcessDraft>();

    public DbSet<ProcessDefinitionRecord> ProcessDefinitions => Set<ProcessDefinitionRecord>();
    public DbSet<ProcessInstanceRecord> ProcessInstances => Set<ProcessInstanceRecord>();
    public DbSet<ExecutionRecord> Executions => Set<ExecutionRecord>();
    public DbSet<VariableRecord> Variables => Set<VariableRecord>();
    public DbSet<UserTaskRecord> UserTasks => Set<UserTaskRecord>();
    public DbSet<JobRecord> Jobs => Set<JobRecord>();
    public DbSet<MessageSubscriptionRecord> MessageSubscriptions => Set<MessageSubscriptionRecord>();
    public DbSet<IncidentRecord> Incidents => Set<IncidentRecord>();
    public DbSet<HistoryEventRecord> HistoryEvents => Set<HistoryEventRecord>();

    /// <summary>The Npgsql options shared by the application and the design-time factory.</summary>
    public static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql)
    {
        // Generate SQL for the PostgreSQL version we run on, not for the newest one the provider knows.
        npgsql.SetPostgresVersion(15, 0);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PlieDbContext).Assembly);
        modelBuilder.UseSnakeCaseNames();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Npgsql only writes DateTimeOffset values with a zero offset to timestamptz: convert on the way in, so a value
        // built from DateTimeOffset.Now (or a local TimeProvider) can be stored too. Values read back are in UTC.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
    }

    internal sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => v.ToUniversalTime(), v => v);
}
