using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Domain.Auditing;
using Plie.Domain.Participants;
using Plie.Domain.Territory;

namespace Plie.Infrastructure.Persistence.Configurations.Domain;

public sealed class ParticipantConfiguration : IEntityTypeConfiguration<Participant>
{
    public void Configure(EntityTypeBuilder<Participant> b)
    {
        b.ToTable("participants");
        b.HasKey(p => p.Id);
        b.Property(p => p.FirstName).HasMaxLength(100);
        b.Property(p => p.LastName).HasMaxLength(100);
        b.Property(p => p.CommuneInseeCode).HasMaxLength(5);
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(p => new { p.LastName, p.FirstName });
        b.HasIndex(p => p.Antenne);
        b.HasIndex(p => p.ReferentUserId);
        b.HasIndex(p => p.BirthDate);
        b.ComplexProperty(p => p.Fse, f =>
        {
            f.Property(x => x.EmploymentStatus).HasColumnName("fse_employment_status").HasMaxLength(30);
            f.Property(x => x.EducationLevel).HasColumnName("fse_education_level").HasMaxLength(20);
            f.Property(x => x.Disability).HasColumnName("fse_disability");
            f.Property(x => x.HousingExclusion).HasColumnName("fse_housing_exclusion");
            f.Property(x => x.ForeignOrigin).HasColumnName("fse_foreign_origin");
            f.Property(x => x.DeclinedSensitiveItems).HasColumnName("fse_declined_sensitive_items");
        });
    }
}

public sealed class CommuneConfiguration : IEntityTypeConfiguration<Commune>
{
    public void Configure(EntityTypeBuilder<Commune> b)
    {
        b.ToTable("communes");
        b.HasKey(c => c.InseeCode);
        b.Property(c => c.InseeCode).HasMaxLength(5);
        b.Property(c => c.Name).HasMaxLength(100);
        b.HasMany(c => c.Memberships).WithOne().HasForeignKey(m => m.CommuneInseeCode);
    }
}

public sealed class PlieMembershipConfiguration : IEntityTypeConfiguration<PlieMembership>
{
    public void Configure(EntityTypeBuilder<PlieMembership> b)
    {
        b.ToTable("plie_memberships");
        b.HasKey(m => m.Id);
    }
}

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).UseIdentityAlwaysColumn();
        b.Property(a => a.Details).HasColumnType("jsonb");
        b.HasIndex(a => new { a.ParticipantId, a.Id });
    }
}
