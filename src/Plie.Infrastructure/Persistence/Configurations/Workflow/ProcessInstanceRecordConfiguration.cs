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

        // Every step updates the instance (its revision and last activity: the touch that locks it). No index here may
        // cover a column the touch changes, so that the update is HOT: the new row version goes on the same page and no
        // index gets an entry. Idle cases are found from the waiting tokens (ix_executions_waiting_activity), and the
        // free space left on each page (fillfactor) is what lets the new versions stay on their page.
        builder.HasStorageParameter("fillfactor", 90);
        builder.HasIndex(x => new { x.DefinitionKey, x.State });
        builder.HasIndex(x => x.BusinessKey);
        // Only the cases started by a call activity have a parent, and only they get an entry.
        builder.HasIndex(x => x.ParentInstanceId).HasFilter("parent_instance_id IS NOT NULL");
        // Cases by start date (dashboard, « Dossiers bloqués » oldest or newest first).
        builder.HasIndex(x => x.StartedAt, "ix_process_instances_started_at");
    }
}
