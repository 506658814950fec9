using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Domain.Intake;
using Plie.Domain.Participants;
using Plie.Domain.ReferenceData;

namespace Plie.Infrastructure.Persistence.Configurations.Domain;

public sealed class FirstInterviewConfiguration : IEntityTypeConfiguration<FirstInterview>
{
    public void Configure(EntityTypeBuilder<FirstInterview> b)
    {
        b.ToTable("first_interviews");
        b.HasKey(x => x.Id);
        b.HasIndex(x => new { x.ParticipantId, x.Number }).IsUnique();
        b.HasOne<Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class IntakeDecisionConfiguration : IEntityTypeConfiguration<IntakeDecision>
{
    public void Configure(EntityTypeBuilder<IntakeDecision> b)
    {
        b.ToTable("intake_decisions");
        b.HasKey(x => x.Id);
        b.HasIndex(x => new { x.ParticipantId, x.At });
        b.HasOne<Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SupportingDocumentConfiguration : IEntityTypeConfiguration<SupportingDocument>
{
    public void Configure(EntityTypeBuilder<SupportingDocument> b)
    {
        b.ToTable("supporting_documents");
        b.HasKey(x => x.Id);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.FileName).HasMaxLength(255);
        b.HasIndex(x => new { x.ParticipantId, x.TypeCode });
        b.HasOne<Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class EngagementContractConfiguration : IEntityTypeConfiguration<EngagementContract>
{
    public void Configure(EntityTypeBuilder<EngagementContract> b)
    {
        b.ToTable("engagement_contracts");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.ParticipantId);
        b.HasOne<Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ReferenceItemConfiguration : IEntityTypeConfiguration<ReferenceItem>
{
    public void Configure(EntityTypeBuilder<ReferenceItem> b)
    {
        b.ToTable("reference_items");
        b.HasKey(x => x.Id);
        b.HasIndex(x => new { x.Kind, x.Code }).IsUnique();
    }
}

public sealed class AntenneConfiguration : IEntityTypeConfiguration<Antenne>
{
    public void Configure(EntityTypeBuilder<Antenne> b)
    {
        b.ToTable("antennes");
        b.HasKey(x => x.Code);
    }
}
