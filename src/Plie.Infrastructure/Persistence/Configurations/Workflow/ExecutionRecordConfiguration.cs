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
        // Supervision: the tokens waiting at an element (heatmap, cases at a step), by arrival, so that « Dossiers bloqués »
        // finds the cases waiting somewhere since before a date (idle) from the index alone: what they wait at is known
        // from the models, and the arrival is the second key. Every step writes an entry here anyway (its token moves),
        // so idleness costs the step nothing more, and the instance's own update stays HOT.
        builder.HasIndex(x => new { x.ActivityId, x.EnteredAt }, "ix_executions_waiting_activity").HasFilter("state = 'Waiting'")
            .IncludeProperties(x => new { x.InstanceId, x.IsMultiInstanceRoot });
    }
}
