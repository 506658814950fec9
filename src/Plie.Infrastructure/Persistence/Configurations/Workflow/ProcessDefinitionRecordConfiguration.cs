using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Persistence.Configurations.Workflow;

internal sealed class ProcessDefinitionRecordConfiguration : IEntityTypeConfiguration<ProcessDefinitionRecord>
{
    public void Configure(EntityTypeBuilder<ProcessDefinitionRecord> builder)
    {
        builder.ToTable("process_definitions", PlieDbContext.WorkflowSchema);
        builder.HasKey(x => x.Id);

        builder.Property(x => x.Key).IsRequired();
        builder.Property(x => x.Xml).IsRequired().HasColumnType("text");
        builder.Property(x => x.Hash).IsRequired();

        builder.HasIndex(x => new { x.Key, x.Version }).IsUnique();
        builder.HasIndex(x => new { x.Key, x.Hash });
    }
}
