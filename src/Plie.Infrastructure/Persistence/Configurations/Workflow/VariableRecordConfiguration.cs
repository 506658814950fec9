using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Persistence.Configurations.Workflow;

internal sealed class VariableRecordConfiguration : IEntityTypeConfiguration<VariableRecord>
{
    public void Configure(EntityTypeBuilder<VariableRecord> builder)
    {
        builder.ToTable("variables", PlieDbContext.WorkflowSchema);
        builder.HasKey(x => x.Id);

        builder.Property(x => x.Name).IsRequired();
        builder.Property(x => x.Type).IsRequired();
        // jsonb normalizes the text (whitespace, key order, duplicate keys): compare values, not strings.
        builder.Property(x => x.Json).IsRequired().HasColumnType("jsonb");

        builder.HasIndex(x => x.InstanceId);
    }
}
