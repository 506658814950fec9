using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Persistence.Configurations.Workflow;

internal sealed class HistoryEventRecordConfiguration : IEntityTypeConfiguration<HistoryEventRecord>
{
    public void Configure(EntityTypeBuilder<HistoryEventRecord> builder)
    {
        builder.ToTable("history_events", PlieDbContext.WorkflowSchema);
        // Keyed by instance first: history is only ever read by case, in order, and every step adds a few events, so
        // one index (the key) serves both, and each event costs one index entry instead of two.
        builder.HasKey(x => new { x.InstanceId, x.Id });

        // bigint identity: gives the order in which events were written.
        builder.Property(x => x.Id).UseIdentityByDefaultColumn();
        builder.Property(x => x.Type).IsRequired();
        builder.Property(x => x.Data).HasColumnType("jsonb");
    }
}
