using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Persistence.Configurations.Workflow;

internal sealed class IncidentRecordConfiguration : IEntityTypeConfiguration<IncidentRecord>
{
    public void Configure(EntityTypeBuilder<IncidentRecord> builder)
    {
        builder.ToTable("incidents", PlieDbContext.WorkflowSchema);
        builder.HasKey(x => x.Id);

        builder.Property(x => x.ElementId).IsRequired();
        builder.Property(x => x.Message).IsRequired();

        builder.HasIndex(x => x.InstanceId);
        // The list of open incidents (operations view), newest first.
        builder.HasIndex(x => x.CreatedAt, "ix_incidents_open").HasFilter("resolved_at IS NULL");
    }
}
