using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Persistence.Configurations.Workflow;

internal sealed class HistoryEventRecordConfiguration : IEntityTypeConfiguration<HistoryEventRecord>
{
    public void Configure(EntityTypeBuilder<HistoryEventRecord> builder)
    {
        builder.ToTable("history_events", PlieDbContext.WorkflowSchema);
        builder.HasKey(x => x.Id);

        // bigint identity: gives the order in which events were written.
        builder.Property(x => x.Id).UseIdentityByDefaultColumn();
        builder.Property(x => x.Type).IsRequired();
        builder.Property(x => x.Data).HasColumnType("jsonb");

        builder.HasIndex(x => new { x.InstanceId, x.Id });
    }
}
