using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Domain.Designer;

namespace Plie.Infrastructure.Persistence.Configurations.Domain;

public sealed class ProcessDraftConfiguration : IEntityTypeConfiguration<ProcessDraft>
{
    public void Configure(EntityTypeBuilder<ProcessDraft> b)
    {
        b.ToTable("process_drafts");
        b.HasKey(d => d.Key);
        b.Property(d => d.Key).HasMaxLength(200);
        b.Property(d => d.Name).HasMaxLength(500);
        b.Property(d => d.SavedBy).HasMaxLength(200);
        b.Property(d => d.Revision).IsConcurrencyToken();
    }
}
