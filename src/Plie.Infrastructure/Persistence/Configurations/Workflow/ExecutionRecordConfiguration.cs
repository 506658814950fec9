using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Persistence.Configurations.Workflow;

internal sealed class ExecutionRecordConfiguration : IEntityTypeConfiguration<ExecutionRecord>
{
    public void Configure(EntityTypeBuilder<ExecutionRecord> builder)
    {
        builder.ToTable("executions", PlieDbContext.WorkflowSchema);
        builder.HasKey(x => x.Id);

        builder.Property(x => x.State).HasConversion<string>();

        builder.HasIndex(x => x.InstanceId);
        // Supervision: the tokens waiting at an element (heatmap, cases at a step), with what those queries read, so that
        // they are answered from the index alone.
        builder.HasIndex(x => x.ActivityId, "ix_executions_waiting_activity").HasFilter("state = 'Waiting'")
            .IncludeProperties(x => new { x.InstanceId, x.EnteredAt, x.IsMultiInstanceRoot });
    }
}
