using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Persistence.Configurations.Workflow;

internal sealed class MessageSubscriptionRecordConfiguration : IEntityTypeConfiguration<MessageSubscriptionRecord>
{
    public void Configure(EntityTypeBuilder<MessageSubscriptionRecord> builder)
    {
        builder.ToTable("message_subscriptions", PlieDbContext.WorkflowSchema);
        builder.HasKey(x => x.Id);

        builder.Property(x => x.MessageName).IsRequired();
        builder.Property(x => x.ElementId).IsRequired();

        builder.HasIndex(x => new { x.MessageName, x.BusinessKey });
        builder.HasIndex(x => x.InstanceId);
        builder.HasIndex(x => x.DefinitionId);
    }
}
