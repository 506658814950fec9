using Plie.Workflow;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Engine;

public sealed class UserTaskTests : EngineTestBase
{
    [Fact]
    public async Task A_user_task_carries_its_camunda_attributes()
    {
        var id = await StartFixtureAsync("user-task", new { owner = "conseiller.dupont" }, businessKey: "P-42");

        var task = await Host.SingleTaskAsync(id, "review");
        Assert.Equal("Examiner", task.Name);
        Assert.Equal("conseiller.dupont", task.Assignee);
        Assert.Equal(["conseiller", "statistiques"], task.CandidateGroups);
        Assert.Equal(["alice", "bob"], task.CandidateUsers);
        Assert.Equal(Host.Clock.GetUtcNow().AddDays(2), task.DueAt);
        Assert.Equal(Host.Clock.GetUtcNow().AddHours(4), task.FollowUpAt);
        Assert.Equal(70, task.Priority);
        Assert.Equal("intake:review", task.FormKey);
        Assert.Equal("P-42", task.BusinessKey);
        Assert.Contains("\"comment\"", task.FormFieldsJson);
    }

    [Fact]
    public async Task Completing_tasks_moves_the_case_on_and_the_history_tells_the_story_in_order()
    {
        var id = await StartFixtureAsync("user-task", new { owner = "u1" });
        var first = await Host.SingleTaskAsync(id, "review");
        await Host.CompleteAsync(first.Id, new { comment = "RAS", count = 3 }, user: "u1");
        var second = await Host.SingleTaskAsync(id, "second");
        await Host.CompleteAsync(second.Id, user: "u2");

        var instance = await Host.InstanceAsync(id);
        Assert.Equal(InstanceState.Completed, instance.State);
        Assert.NotNull(instance.EndedAt);

        var history = await Host.HistoryAsync(id);
        var trail = history.Where(h => h.Type is HistoryTypes.ElementEntered or HistoryTypes.TaskCompleted or HistoryTypes.InstanceCompleted)
            .Select(h => $"{h.Type}:{h.ElementId}").ToArray();
        Assert.Equal(
        [
            "ElementEntered:start", "ElementEntered:review", "TaskCompleted:review", "ElementEntered:second",
            "TaskCompleted:second", "ElementEntered:end", "InstanceCompleted:",
        ], trail);
        Assert.Equal("u1", history.Single(h => h.Type == HistoryTypes.TaskCompleted && h.ElementId == "review").UserId);
        Assert.Contains("RAS", history.Single(h => h.Type == HistoryTypes.TaskCompleted && h.ElementId == "review").Data);
        Assert.Equal("RAS", (await Host.VariablesAsync(id))["comment"]!.GetValue<string>());
    }

    [Fact]
    public async Task Form_fields_are_checked_on_completion_and_nothing_moves_when_they_are_wrong()
    {
        var id = await StartFixtureAsync("user-task", new { owner = "u1" });
        var task = await Host.SingleTaskAsync(id, "review");

        var error = await Assert.ThrowsAsync<WorkflowValidationException>(() => Host.CompleteAsync(task.Id, new { count = "trois" }));

        Assert.Contains(error.Errors, e => e.ElementId == "comment" && e.Message.Contains("obligatoire"));
        Assert.Contains(error.Errors, e => e.ElementId == "count" && e.Message.Contains("entier"));
        Assert.Equal(["review"], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task A_step_marks_the_case_active_and_a_refused_one_leaves_it_as_it_was()
    {
        // The last activity is recorded on every change (« Dossiers bloqués » finds idle cases from their waiting tokens);
        // the revision guards saves of stale copies.
        var id = await StartFixtureAsync("user-task", new { owner = "u1" });
        var started = await Host.InstanceAsync(id);
        Assert.Equal(Host.Clock.GetUtcNow(), started.LastActivityAt);
        var task = await Host.SingleTaskAsync(id, "review");

        Host.Clock.Advance(TimeSpan.FromDays(3));
        await Assert.ThrowsAsync<WorkflowValidationException>(() => Host.CompleteAsync(task.Id, new { count = "trois" }));
        var refused = await Host.InstanceAsync(id);
        Assert.Equal(started.LastActivityAt, refused.LastActivityAt);
        Assert.Equal(started.Revision, refused.Revision);

        Host.Clock.Advance(TimeSpan.FromDays(1));
        await Host.CompleteAsync(task.Id, new { comment = "RAS", count = 3 }, user: "u1");
        var moved = await Host.InstanceAsync(id);
        Assert.Equal(Host.Clock.GetUtcNow(), moved.LastActivityAt);
        Assert.Equal(started.Revision + 1, moved.Revision);
    }

    [Fact]
    public async Task Claiming_a_task_taken_by_someone_else_is_a_conflict()
    {
        var id = await StartFixtureAsync("user-task", new { owner = (string?)null });
        var task = await Host.SingleTaskAsync(id, "review");
        await Host.Do(e => e.ClaimTaskAsync(task.Id, "alice"));

        await Assert.ThrowsAsync<WorkflowConflictException>(() => Host.Do(e => e.ClaimTaskAsync(task.Id, "bob")));
        await Host.Do(e => e.UnclaimTaskAsync(task.Id, "alice"));
        await Host.Do(e => e.ClaimTaskAsync(task.Id, "bob"));

        Assert.Equal("bob", (await Host.SingleTaskAsync(id, "review")).Assignee);
        var types = (await Host.HistoryAsync(id)).Select(h => h.Type).ToList();
        Assert.Equal(2, types.Count(t => t == HistoryTypes.TaskClaimed));
        Assert.Single(types, HistoryTypes.TaskUnclaimed);
    }

    [Fact]
    public async Task Completing_an_already_completed_task_is_a_conflict_and_an_unknown_task_is_not_found()
    {
        var id = await StartFixtureAsync("user-task", new { owner = "u1" });
        var task = await Host.SingleTaskAsync(id, "review");
        await Host.CompleteAsync(task.Id, new { comment = "ok" });

        await Assert.ThrowsAsync<WorkflowConflictException>(() => Host.CompleteAsync(task.Id, new { comment = "encore" }));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Host.CompleteAsync(Guid.NewGuid()));
        Assert.Equal(["second"], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task Cancelling_a_case_closes_its_tasks_with_the_reason_in_the_history()
    {
        var id = await StartFixtureAsync("user-task", new { owner = "u1" });
        await Host.Do(e => e.CancelInstanceAsync(id, "Doublon", "superviseur"));

        var instance = await Host.InstanceAsync(id);
        Assert.Equal(InstanceState.Cancelled, instance.State);
        Assert.Equal("Doublon", instance.EndReason);
        Assert.Empty(await Host.OpenTasksAsync(id));
        Assert.Contains(await Host.HistoryAsync(id), h => h.Type == HistoryTypes.InstanceCancelled && h.Data!.Contains("Doublon"));
        await Assert.ThrowsAsync<WorkflowConflictException>(() => Host.Do(e => e.CancelInstanceAsync(id, "encore", "x")));
    }
}
