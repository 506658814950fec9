using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Persistence.Configurations.Workflow;

internal sealed class JobRecordConfiguration : IEntityTypeConfiguration<JobRecord>
{
    public void Configure(EntityTypeBuilder<JobRecord> builder)
    {
        builder.ToTable("jobs", PlieDbContext.WorkflowSchema);
        builder.HasKey(x => x.Id);

        builder.Property(x => x.Kind).HasConversion<string>();
        builder.Property(x => x.ElementId).IsRequired();

        // Acquisition: due jobs that can still be tried, earliest first.
        builder.HasIndex(x => x.DueAt).HasFilter("retries > 0");
        builder.HasIndex(x => x.InstanceId);
        builder.HasIndex(x => x.DefinitionId);
    }
}
