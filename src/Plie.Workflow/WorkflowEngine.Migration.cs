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
            var s = await runner.LoadAsync(instanceId);
            var (target, targetModel) = await definitions.GetAsync(targetDefinitionId, store, ct)
                                        ?? throw new WorkflowNotFoundException($"La version cible {targetDefinitionId} n'existe pas.");
            var instance = s.Instance;
            if (target.Key != instance.DefinitionKey)
                throw new WorkflowMigrationRefusedException(
                    [$"la version cible est celle du processus « {target.Key} », pas de « {instance.DefinitionKey} »"]);
            if (target.Id == instance.DefinitionId)
                throw new WorkflowMigrationRefusedException([$"le dossier est déjà en version {target.Version}"]);
            var reasons = MigrationCheck.Problems(s.Model, targetModel, target.Version, s.Executions, s.Tasks,
                await s.JobsAsync(ct), await s.SubscriptionsAsync(ct));
            if (reasons.Count > 0) throw new WorkflowMigrationRefusedException(reasons);

            var from = instance.DefinitionVersion;
            var fromId = instance.DefinitionId;
            instance.DefinitionId = target.Id;
            instance.DefinitionVersion = target.Version;
            runner.History(s, HistoryTypes.InstanceMigrated, null, new JsonObject
            {
                ["fromVersion"] = from,
                ["toVersion"] = target.Version,
                ["fromDefinitionId"] = fromId.ToString(),
                ["toDefinitionId"] = target.Id.ToString(),
            });
            logger.LogInformation("Instance {InstanceId} migrated from {Key} v{From} to v{To}", instance.Id, target.Key, from,
                target.Version);
            return new MigrationResult(instance.Id, from, target.Version, true);
        });

    public async Task<IReadOnlyList<MigrationResult>> MigrateInstancesAsync(string processKey, int fromVersion, int toVersion,
        string? user, CancellationToken ct = default)
    {
        var versions = await store.GetDefinitionVersionsAsync(processKey, ct);
        store.Reset();
        var source = versions.FirstOrDefault(v => v.Version == fromVersion)
                     ?? throw new WorkflowNotFoundException($"Le processus « {processKey} » n'a pas de version {fromVersion}.");
        var target = versions.FirstOrDefault(v => v.Version == toVersion)
                     ?? throw new WorkflowNotFoundException($"Le processus « {processKey} » n'a pas de version {toVersion}.");
        var results = new List<MigrationResult>();
        foreach (var id in await store.FindRunningInstancesAsync(source.Id, ct))
        {
            try
            {
                results.Add(await MigrateInstanceAsync(id, target.Id, user, ct));
            }
            catch (WorkflowMigrationRefusedException refused)
            {
                results.Add(new MigrationResult(id, fromVersion, toVersion, false, string.Join(" ; ", refused.Reasons)));
            }
            catch (WorkflowConflictException ended) // it ended meanwhile
            {
                results.Add(new MigrationResult(id, fromVersion, toVersion, false, ended.Message));
            }
        }
        return results;
    }
}
