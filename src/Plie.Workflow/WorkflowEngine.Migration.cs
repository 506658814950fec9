using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Plie.Workflow.Model;
using Plie.Workflow.Runtime;

namespace Plie.Workflow;

// Moving running instances from one version of a process to another.
public sealed partial class WorkflowEngine
{
    public Task<MigrationResult> MigrateInstanceAsync(Guid instanceId, Guid targetDefinitionId, string? user,
        CancellationToken ct = default) =>
        StepAsync(user, ct, async runner =>
        {
            var (target, targetModel) = await definitions.GetAsync(targetDefinitionId, store, ct)
                                        ?? throw new WorkflowNotFoundException($"La version cible {targetDefinitionId} n'existe pas.");
            var move = await PlanMoveAsync(runner, instanceId, target, targetModel, ct);
            return move.Apply(runner, logger);
        });

    public async Task<IReadOnlyList<MigrationResult>> MigrateInstancesAsync(string processKey, int fromVersion, int toVersion,
        string? user, Func<ProcessInstanceRecord, MigrationResult, Task>? onMigrated = null, CancellationToken ct = default)
    {
        var (source, target) = await VersionPairAsync(processKey, fromVersion, toVersion, ct);
        var results = new List<MigrationResult>();
        foreach (var id in await store.FindRunningInstancesAsync(source.Id, ct))
        {
            try
            {
                results.Add(await StepAsync(user, ct, async runner =>
                {
                    var (definition, model) = await definitions.GetAsync(target.Id, store, ct)
                                              ?? throw new WorkflowNotFoundException($"La version cible {target.Id} n'existe pas.");
                    var move = await PlanMoveAsync(runner, id, definition, model, ct);
                    if (move.Instance.DefinitionId != source.Id) // moved by someone else meanwhile
                        throw new WorkflowConflictException($"Le dossier n'est plus en version {fromVersion}.");
                    var result = move.Apply(runner, logger);
                    if (onMigrated is not null) await onMigrated(move.Instance, result); // saved with the move
                    return result;
                }));
            }
            catch (WorkflowMigrationRefusedException refused)
            {
                results.Add(new MigrationResult(id, fromVersion, toVersion, false, string.Join(" ; ", refused.Reasons)));
            }
            catch (WorkflowConflictException ended) // it ended (or moved) meanwhile
            {
                results.Add(new MigrationResult(id, fromVersion, toVersion, false, ended.Message));
            }
        }
        return results;
    }

    public async Task<IReadOnlyList<MigrationCheckResult>> CheckMigrationAsync(string processKey, int fromVersion, int toVersion,
        CancellationToken ct = default)
    {
        var (source, target) = await VersionPairAsync(processKey, fromVersion, toVersion, ct);
        var results = new List<MigrationCheckResult>();
        foreach (var id in await store.FindRunningInstancesAsync(source.Id, ct))
        {
            // The same check as the move, under the same row lock (so it sees a consistent instance), then rolled back.
            var runner = new StepRunner(store, definitions, services, _options, clock.GetUtcNow(), null, ct);
            try
            {
                await using var tx = await store.BeginTransactionAsync(ct);
                var (definition, model) = await definitions.GetAsync(target.Id, store, ct)
                                          ?? throw new WorkflowNotFoundException($"La version cible {target.Id} n'existe pas.");
                await PlanMoveAsync(runner, id, definition, model, ct);
                results.Add(new MigrationCheckResult(id, null));
            }
            catch (WorkflowMigrationRefusedException refused)
            {
                results.Add(new MigrationCheckResult(id, string.Join(" ; ", refused.Reasons)));
            }
            catch (WorkflowConflictException) // it ended meanwhile: nothing to move
            {
            }
            finally
            {
                store.Reset();
            }
        }
        return results;
    }

    private async Task<(ProcessDefinitionRecord Source, ProcessDefinitionRecord Target)> VersionPairAsync(string processKey,
        int fromVersion, int toVersion, CancellationToken ct)
    {
        var versions = await store.GetDefinitionVersionsAsync(processKey, ct);
        store.Reset();
        var source = versions.FirstOrDefault(v => v.Version == fromVersion)
                     ?? throw new WorkflowNotFoundException($"Le processus « {processKey} » n'a pas de version {fromVersion}.");
        var target = versions.FirstOrDefault(v => v.Version == toVersion)
                     ?? throw new WorkflowNotFoundException($"Le processus « {processKey} » n'a pas de version {toVersion}.");
        if (source.Id == target.Id)
            throw new WorkflowMigrationRefusedException([$"la version cible est la version de départ ({toVersion})"]);
        return (source, target);
    }

    /// <summary>
    /// Locks the instance and checks that it can move to <paramref name="target"/>: refused (naming the elements) when
    /// it cannot. Also works out what each open task becomes there (an attribute whose expression fails is a refusal).
    /// Changes nothing.
    /// </summary>
    private async Task<PlannedMove> PlanMoveAsync(StepRunner runner, Guid instanceId, ProcessDefinitionRecord target,
        ProcessModel targetModel, CancellationToken ct)
    {
        var s = await runner.LoadAsync(instanceId);
        var instance = s.Instance;
        if (target.Key != instance.DefinitionKey)
            throw new WorkflowMigrationRefusedException(
                [$"la version cible est celle du processus « {target.Key} », pas de « {instance.DefinitionKey} »"]);
        if (target.Id == instance.DefinitionId)
            throw new WorkflowMigrationRefusedException([$"le dossier est déjà en version {target.Version}"]);
        var reasons = MigrationCheck.Problems(s.Model, targetModel, target.Version, s.Executions, s.Tasks,
            await s.JobsAsync(ct), await s.SubscriptionsAsync(ct));
        if (reasons.Count > 0) throw new WorkflowMigrationRefusedException(reasons);

        var tasks = new List<(UserTaskRecord Task, TaskAs Now)>();
        foreach (var task in s.Tasks)
        {
            if (targetModel.Nodes[task.ElementId] is not UserTask node) continue;
            try
            {
                var vars = s.VisibleVariables(s.Execution(task.ExecutionId));
                tasks.Add((task, new TaskAs(node.Name, TaskAttributes.List(node.CandidateGroups, vars),
                    TaskAttributes.List(node.CandidateUsers, vars), node.FormKey, TaskAttributes.FormFields(node),
                    TaskAttributes.Priority(node, vars))));
            }
            catch (WorkflowException e)
            {
                reasons.Add($"la tâche « {task.Name ?? task.ElementId} » ne peut pas prendre ses attributs de la version {target.Version} : {e.Message}");
            }
        }
        if (reasons.Count > 0) throw new WorkflowMigrationRefusedException(reasons);
        return new PlannedMove(s, target, tasks);
    }

    /// <summary>What an open task becomes in the target version.</summary>
    private sealed record TaskAs(string? Name, string[] CandidateGroups, string[] CandidateUsers, string? FormKey,
        string? FormFieldsJson, int Priority);

    private sealed record PlannedMove(LoadedInstance State, ProcessDefinitionRecord Target, List<(UserTaskRecord Task, TaskAs Now)> Tasks)
    {
        public ProcessInstanceRecord Instance => State.Instance;

        /// <summary>
        /// Moves the instance to the target version; its open tasks take the target's name, candidates, form and
        /// priority (assignee, due date and creation stay). Recorded in the history.
        /// </summary>
        public MigrationResult Apply(StepRunner runner, ILogger logger)
        {
            var instance = Instance;
            var from = instance.DefinitionVersion;
            var fromId = instance.DefinitionId;
            instance.DefinitionId = Target.Id;
            instance.DefinitionVersion = Target.Version;
            var changed = new JsonArray();
            foreach (var (task, now) in Tasks)
            {
                if (task.Name == now.Name && task.CandidateGroups.SequenceEqual(now.CandidateGroups)
                    && task.CandidateUsers.SequenceEqual(now.CandidateUsers) && task.FormKey == now.FormKey
                    && task.FormFieldsJson == now.FormFieldsJson && task.Priority == now.Priority)
                    continue;
                task.Name = now.Name;
                task.CandidateGroups = now.CandidateGroups;
                task.CandidateUsers = now.CandidateUsers;
                task.FormKey = now.FormKey;
                task.FormFieldsJson = now.FormFieldsJson;
                task.Priority = now.Priority;
                task.Revision++;
                changed.Add(new JsonObject
                {
                    ["taskId"] = task.Id.ToString(),
                    ["elementId"] = task.ElementId,
                    ["name"] = task.Name,
                    ["candidateGroups"] = new JsonArray(task.CandidateGroups.Select(g => (JsonNode?)g).ToArray()),
                });
            }
            var data = new JsonObject
            {
                ["fromVersion"] = from,
                ["toVersion"] = Target.Version,
                ["fromDefinitionId"] = fromId.ToString(),
                ["toDefinitionId"] = Target.Id.ToString(),
            };
            if (changed.Count > 0) data["tasks"] = changed;
            runner.History(State, HistoryTypes.InstanceMigrated, null, data);
            logger.LogInformation("Instance {InstanceId} migrated from {Key} v{From} to v{To}", instance.Id, Target.Key, from,
                Target.Version);
            return new MigrationResult(instance.Id, from, Target.Version, true);
        }
    }
}
