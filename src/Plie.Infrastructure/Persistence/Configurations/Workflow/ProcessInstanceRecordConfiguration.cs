using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Persistence.Configurations.Workflow;

internal sealed class ProcessInstanceRecordConfiguration : IEntityTypeConfiguration<ProcessInstanceRecord>
{
    public void Configure(EntityTypeBuilder<ProcessInstanceRecord> builder)
    {
        builder.ToTable("process_instances", PlieDbContext.WorkflowSchema);
        builder.HasKey(x => x.Id);

        builder.Property(x => x.DefinitionKey).IsRequired();
        builder.Property(x => x.State).HasConversion<string>();
        builder.Property(x => x.Revision).IsConcurrencyToken();

        builder.HasIndex(x => new { x.DefinitionKey, x.State });
        builder.HasIndex(x => x.BusinessKey);
        // Every index here is written by each step (the instance's revision and last activity change, so the update is
        // not HOT): only the cases started by a call activity have a parent, and only they get an entry.
        builder.HasIndex(x => x.ParentInstanceId).HasFilter("parent_instance_id IS NOT NULL");
        // Supervision: running cases idle since before a date (« Dossiers bloqués »); cases by start date (dashboard).
        builder.HasIndex(x => x.LastActivityAt, "ix_process_instances_running_last_activity")
            .IncludeProperties(x => new { x.Id, x.DefinitionKey }).HasFilter("state = 'Running'");
        builder.HasIndex(x => x.StartedAt, "ix_process_instances_started_at");
    }
}
