using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Persistence.Configurations.Workflow;

internal sealed class UserTaskRecordConfiguration : IEntityTypeConfiguration<UserTaskRecord>
{
    /// <summary>SQL filter of the partial indexes that serve the inbox (open tasks only).</summary>
    internal const string OpenFilter = "state = 'Open'";

    public void Configure(EntityTypeBuilder<UserTaskRecord> builder)
    {
        builder.ToTable("user_tasks", PlieDbContext.WorkflowSchema);
        builder.HasKey(x => x.Id);

        builder.Property(x => x.ProcessKey).IsRequired();
        builder.Property(x => x.ElementId).IsRequired();
        builder.Property(x => x.CandidateGroups).IsRequired().HasColumnType("text[]");
        builder.Property(x => x.CandidateUsers).IsRequired().HasColumnType("text[]");
        builder.Property(x => x.FormFieldsJson).HasColumnType("jsonb");
        builder.Property(x => x.State).HasConversion<string>();
        builder.Property(x => x.Revision).IsConcurrencyToken();

        // Every index here is written by each step (a task completed, the next one created): keep them few. Open tasks
        // by due date and by process are served by the partial indexes below (open_due, open_heatmap's first column).
        builder.HasIndex(x => x.InstanceId);
        // Inbox: "assigned to me", "offered to one of my groups / to me". Only the tasks that have an assignee, or
        // candidate users, get an entry in those two: most tasks are created unassigned and offered to groups, and a
        // query naming an assignee (assignee = x) or a candidate user (CandidateUserFilter) implies the filter.
        builder.HasIndex(x => x.Assignee).HasFilter(OpenFilter + " AND assignee IS NOT NULL");
        builder.HasIndex(x => x.CandidateGroups).HasMethod("gin").HasFilter(OpenFilter);
        builder.HasIndex(x => x.CandidateUsers).HasMethod("gin").HasFilter(OpenFilter + " AND cardinality(candidate_users) > 0");
        // Supervision heatmap: open tasks of a process grouped by element, median by creation, late by due date
        // (an index-only scan).
        builder.HasIndex(x => new { x.ProcessKey, x.ElementId, x.CreatedAt }, "ix_user_tasks_open_heatmap")
            .IncludeProperties(x => x.DueAt).HasFilter(OpenFilter);
        // Supervision: the cases waiting at a step, by element id or by task name.
        builder.HasIndex(x => x.ElementId, "ix_user_tasks_open_element").IncludeProperties(x => x.InstanceId).HasFilter(OpenFilter);
        builder.HasIndex(x => x.Name, "ix_user_tasks_open_name").IncludeProperties(x => x.InstanceId).HasFilter(OpenFilter);
        // Supervision: the cases with an overdue task (an index-only range scan).
        builder.HasIndex(x => x.DueAt, "ix_user_tasks_open_due").IncludeProperties(x => x.InstanceId).HasFilter(OpenFilter);
    }
}
