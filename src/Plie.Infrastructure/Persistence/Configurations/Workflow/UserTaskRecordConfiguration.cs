using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
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
        builder.Property(x => x.CandidateGroups).IsRequired().HasColumnType("text[]").Metadata.SetValueComparer(TextArrays.Comparer);
        builder.Property(x => x.CandidateUsers).IsRequired().HasColumnType("text[]").Metadata.SetValueComparer(TextArrays.Comparer);
        builder.Property(x => x.FormFieldsJson).HasColumnType("jsonb");
        builder.Property(x => x.State).HasConversion<string>();
        builder.Property(x => x.Revision).IsConcurrencyToken();

        // Every index here is written by each step (a task completed, the next one created): keep them few. Open tasks
        // by due date and by process are served by the partial indexes below (open_due, open_heatmap's first column).
        // A case's tasks are only ever looked up open (a step's load, the instance viewer, supervision): only the open
        // ones get an entry, so that completing a task writes no entry here and the index does not grow with the history.
        builder.HasIndex(x => x.InstanceId).HasFilter(OpenFilter);
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
        // The open tasks of one element (the task API's elementId filter) are found through open_heatmap, under each
        // deployed process key. Supervision finds the cases at a step through the waiting tokens
        // (ix_executions_waiting_activity), and no query looks tasks up by name.
        // Supervision: the cases with an overdue task (an index-only range scan).
        builder.HasIndex(x => x.DueAt, "ix_user_tasks_open_due").IncludeProperties(x => x.InstanceId).HasFilter(OpenFilter);
    }
}

/// <summary>
/// Change tracking of the <c>text[]</c> columns, compared and copied element by element as the provider's own comparer
/// does, but through plain method calls: the provider's comparer is an expression with a nested lambda
/// (<c>a.Select(x => …)</c>), which the compiled snapshot and comparison turn into a new delegate, built from a dynamic
/// method, every time a task is tracked or checked for changes — on every engine step.
/// </summary>
internal static class TextArrays
{
    public static readonly ValueComparer<string[]> Comparer = new(
        (a, b) => AreEqual(a, b), a => HashOf(a), a => Copy(a));

    public static bool AreEqual(string[]? a, string[]? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.AsSpan().SequenceEqual(b));

    public static int HashOf(string[] a)
    {
        var hash = new HashCode();
        foreach (var item in a) hash.Add(item, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    public static string[] Copy(string[] a) => a.Length == 0 ? a : (string[])a.Clone();
}
