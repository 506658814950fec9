using System.Text.Json.Nodes;
using Plie.Workflow;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Engine;

public sealed class MigrationTests : EngineTestBase
{
    private async Task<(ProcessDefinitionRecord V1, ProcessDefinitionRecord V2)> DeployBothAsync(string name = "migrate")
    {
        var v1 = (await Host.DeployAsync(Fixture(name + "-v1"))).Definition;
        var v2 = (await Host.DeployAsync(Fixture(name + "-v2"))).Definition;
        return (v1, v2);
    }

    /// <summary>Starts an instance of version 1 (deployed alone first, so that the start takes it).</summary>
    private async Task<Guid> StartV1Async(string name = "migrate")
    {
        await Host.DeployAsync(Fixture(name + "-v1"));
        return (await Host.StartAsync(name)).Id;
    }

    private Task<MigrationResult> MigrateAsync(Guid instanceId, Guid target, string user = "superviseur") =>
        Host.With(e => e.MigrateInstanceAsync(instanceId, target, user));

    [Fact]
    public async Task A_migrated_case_keeps_its_timers_and_follows_the_new_versions_path()
    {
        var id = await StartV1Async();
        var timerDue = (await Host.JobsAsync()).Single(j => j.ElementId == "late").DueAt;
        Host.Clock.Advance(TimeSpan.FromHours(3));
        var (v1, v2) = await DeployBothAsync();

        var result = await MigrateAsync(id, v2.Id);

        Assert.True(result.Migrated);
        Assert.Equal((1, 2), (result.FromVersion, result.ToVersion));
        var instance = await Host.InstanceAsync(id);
        Assert.Equal((v2.Id, 2), (instance.DefinitionId, instance.DefinitionVersion));
        Assert.Equal(timerDue, (await Host.JobsAsync()).Single(j => j.ElementId == "late").DueAt);
        var migrated = (await Host.HistoryAsync(id)).Single(h => h.Type == HistoryTypes.InstanceMigrated);
        Assert.Equal("superviseur", migrated.UserId);
        var data = JsonNode.Parse(migrated.Data!)!;
        Assert.Equal((1, 2), (data["fromVersion"]!.GetValue<int>(), data["toVersion"]!.GetValue<int>()));
        Assert.Equal(v1.Id.ToString(), data["fromDefinitionId"]!.GetValue<string>());

        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "review")).Id);
        Assert.Equal(["third"], await OpenTaskIdsAsync(id));
    }

    [Fact]
    public async Task Migration_is_refused_naming_the_element_when_the_waiting_task_was_removed()
    {
        var id = await StartV1Async();
        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "review")).Id);
        var (_, v2) = await DeployBothAsync();

        var refused = await Assert.ThrowsAsync<WorkflowMigrationRefusedException>(() => MigrateAsync(id, v2.Id));

        Assert.Contains(refused.Reasons, r => r.Contains("« Deuxième » (second)") && r.Contains("version 2"));
        var instance = await Host.InstanceAsync(id);
        Assert.Equal(1, instance.DefinitionVersion);
        Assert.DoesNotContain(await Host.HistoryAsync(id), h => h.Type == HistoryTypes.InstanceMigrated);
        await Host.CompleteAsync((await Host.SingleTaskAsync(id, "second")).Id);
        Assert.Equal(InstanceState.Completed, (await Host.InstanceAsync(id)).State);
    }

    [Fact]
    public async Task Migration_is_refused_when_an_element_left_its_sub_process()
    {
        var id = await StartV1Async("migrate-sub");
        var (_, v2) = await DeployBothAsync("migrate-sub");

        var refused = await Assert.ThrowsAsync<WorkflowMigrationRefusedException>(() => MigrateAsync(id, v2.Id));

        Assert.Contains(refused.Reasons, r => r.Contains("« Premier entretien » (first)") && r.Contains("sous-processus"));
        Assert.Contains(refused.Reasons, r => r.Contains("« Diagnostic » (diagnosis)") && r.Contains("n'existe pas"));
    }

    [Fact]
    public async Task Migration_to_another_process_is_refused()
    {
        var id = await StartV1Async();
        var other = (await Host.DeployAsync(Fixture("user-task"))).Definition;

        var refused = await Assert.ThrowsAsync<WorkflowMigrationRefusedException>(() => MigrateAsync(id, other.Id));

        Assert.Contains("user-task", refused.Message);
        Assert.Equal(1, (await Host.InstanceAsync(id)).DefinitionVersion);
    }

    [Fact]
    public async Task Migrating_a_version_moves_the_instances_that_can_move_and_says_why_the_others_cannot()
    {
        var atReview = await StartV1Async();
        var atSecond = (await Host.StartAsync("migrate")).Id;
        await Host.CompleteAsync((await Host.SingleTaskAsync(atSecond, "review")).Id);
        await DeployBothAsync();

        var results = await Host.With(e => e.MigrateInstancesAsync("migrate", 1, 2, "admin"));

        Assert.Equal(2, results.Count);
        Assert.True(results.Single(r => r.InstanceId == atReview).Migrated);
        var refused = results.Single(r => r.InstanceId == atSecond);
        Assert.False(refused.Migrated);
        Assert.Contains("second", refused.Refusal);
        Assert.Equal(2, (await Host.InstanceAsync(atReview)).DefinitionVersion);
        Assert.Equal(1, (await Host.InstanceAsync(atSecond)).DefinitionVersion);
    }

    [Fact]
    public async Task A_step_and_a_migration_at_the_same_time_leave_the_case_on_one_consistent_version()
    {
        await Host.DeployAsync(Fixture("migrate-v1"));
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++) ids.Add((await Host.StartAsync("migrate")).Id);
        var (_, v2) = await DeployBothAsync();

        foreach (var id in ids)
        {
            var task = await Host.SingleTaskAsync(id, "review");
            var step = Task.Run(() => Host.CompleteAsync(task.Id));
            var migration = Task.Run(async () =>
            {
                try
                {
                    await MigrateAsync(id, v2.Id);
                }
                catch (WorkflowMigrationRefusedException)
                {
                    // the step went first: the case waits at "second", which version 2 has not
                }
            });
            await Task.WhenAll(step, migration);

            var instance = await Host.InstanceAsync(id);
            var open = await OpenTaskIdsAsync(id);
            // Either the migration went first and the step followed version 2, or the step went first and the
            // migration was refused: never version 2 with a task of version 1 only.
            Assert.True((instance.DefinitionVersion, open.Single()) is (2, "third") or (1, "second"),
                $"version {instance.DefinitionVersion} with open task {string.Join(",", open)}");
        }
    }

    [Fact]
    public async Task Open_tasks_of_a_migrated_case_take_the_target_steps_name_candidates_form_and_priority()
    {
        await Host.DeployAsync(Fixture("migrate-v1"));
        var id = (await Host.StartAsync("migrate", new { referent = "conseiller.dunkerque" })).Id;
        var before = await Host.SingleTaskAsync(id, "review");
        await Host.Do(e => e.ClaimTaskAsync(before.Id, "claude"));
        Host.Clock.Advance(TimeSpan.FromHours(1));
        var v2 = (await Host.DeployAsync(Fixture("migrate-v2-roles"))).Definition;

        await MigrateAsync(id, v2.Id);

        var after = await Host.SingleTaskAsync(id, "review");
        Assert.Equal(before.Id, after.Id);
        Assert.Equal("Valider le dossier", after.Name);
        Assert.Equal(["responsable-accompagnement", "superviseur"], after.CandidateGroups);
        Assert.Equal(["conseiller.dunkerque"], after.CandidateUsers);
        Assert.Equal(("review:validation", 80), (after.FormKey, after.Priority));
        Assert.Contains("\"ok\"", after.FormFieldsJson);
        // What the task lived through stays: who holds it, since when, its creation.
        Assert.Equal("claude", after.Assignee);
        Assert.NotNull(after.ClaimedAt);
        Assert.Equal((before.CreatedAt, before.DueAt), (after.CreatedAt, after.DueAt));
        var migrated = (await Host.HistoryAsync(id)).Single(h => h.Type == HistoryTypes.InstanceMigrated);
        var task = JsonNode.Parse(migrated.Data!)!["tasks"]!.AsArray().Single()!;
        Assert.Equal(("review", "Valider le dossier"), ((string?)task["elementId"], (string?)task["name"]));
    }

    [Fact]
    public async Task Checking_a_version_migration_says_which_cases_can_move_and_why_not_and_changes_nothing()
    {
        var atReview = await StartV1Async();
        var atSecond = (await Host.StartAsync("migrate")).Id;
        await Host.CompleteAsync((await Host.SingleTaskAsync(atSecond, "review")).Id);
        var ended = (await Host.StartAsync("migrate")).Id;
        await Host.Do(e => e.CancelInstanceAsync(ended, "test", "admin"));
        await DeployBothAsync();
        var historyBefore = (await Host.HistoryAsync(atReview)).Count;

        var checks = await Host.With(e => e.CheckMigrationAsync("migrate", 1, 2));

        Assert.Equal(new[] { atReview, atSecond }.Order(), checks.Select(c => c.InstanceId).Order()); // not the ended one
        Assert.True(checks.Single(c => c.InstanceId == atReview).CanMigrate);
        var refused = checks.Single(c => c.InstanceId == atSecond);
        Assert.False(refused.CanMigrate);
        Assert.Contains("« Deuxième » (second) n'existe pas dans la version 2", refused.Refusal);
        Assert.Equal(1, (await Host.InstanceAsync(atReview)).DefinitionVersion);
        Assert.Equal(historyBefore, (await Host.HistoryAsync(atReview)).Count);
        Assert.Equal("Examiner", (await Host.SingleTaskAsync(atReview, "review")).Name);
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Host.With(e => e.CheckMigrationAsync("migrate", 1, 7)));
    }

    [Fact]
    public async Task Migration_is_refused_when_an_open_task_cannot_take_the_targets_attributes()
    {
        var id = await StartV1Async(); // no « referent » variable, which version 2's candidate users need
        var v2 = (await Host.DeployAsync(Fixture("migrate-v2-roles"))).Definition;

        var refused = await Assert.ThrowsAsync<WorkflowMigrationRefusedException>(() => MigrateAsync(id, v2.Id));

        Assert.Contains(refused.Reasons, r => r.StartsWith("la tâche « Examiner »"));
        Assert.Equal((1, "Examiner"), ((await Host.InstanceAsync(id)).DefinitionVersion, (await Host.SingleTaskAsync(id, "review")).Name));
    }
}
