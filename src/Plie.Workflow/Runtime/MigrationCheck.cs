using Plie.Workflow.Model;

namespace Plie.Workflow.Runtime;

/// <summary>
/// Whether an instance can move to another version of its process: every element where it stands (waiting and joining
/// tokens, scopes and multi-instance roots, open tasks, timers, message subscriptions) must exist in the target with the
/// same type, in the same enclosing sub-process, and keep what the waiting row relies on (the timer, the message, the
/// activity a boundary event is attached to, the flow a joining token came by).
/// </summary>
internal static class MigrationCheck
{
    /// <summary>Why the instance cannot move (in French, one line per element); empty when it can.</summary>
    public static List<string> Problems(ProcessModel source, ProcessModel target, int targetVersion,
        IEnumerable<ExecutionRecord> executions, IEnumerable<UserTaskRecord> tasks, IEnumerable<JobRecord> jobs,
        IEnumerable<MessageSubscriptionRecord> subscriptions)
    {
        var problems = new List<string>();
        void Add(string problem)
        {
            if (!problems.Contains(problem)) problems.Add(problem);
        }
        string Label(string id) => source.Nodes.TryGetValue(id, out var n) && !string.IsNullOrWhiteSpace(n.Name)
            ? $"« {n.Name} » ({id})" : $"« {id} »";

        // The element itself: same id, same type, same enclosing scope. Returns the target node when it matches.
        FlowNode? Same(string id)
        {
            if (!source.Nodes.TryGetValue(id, out var was)) return null;
            if (!target.Nodes.TryGetValue(id, out var now))
            {
                Add($"l'élément {Label(id)} n'existe pas dans la version {targetVersion}");
                return null;
            }
            if (now.ElementType != was.ElementType)
            {
                Add($"l'élément {Label(id)} est un(e) {was.ElementType} ici mais un(e) {now.ElementType} dans la version {targetVersion}");
                return null;
            }
            if (now.Scope.Owner?.Id != was.Scope.Owner?.Id)
            {
                Add($"l'élément {Label(id)} n'est pas dans le même sous-processus dans la version {targetVersion}");
                return null;
            }
            return now;
        }

        foreach (var exec in executions)
        {
            if (exec.ActivityId is not { } id || Same(id) is not { } node) continue;
            var multi = exec.IsMultiInstanceRoot || exec.LoopCounter is not null;
            if (multi && node.MultiInstance is null)
                Add($"l'élément {Label(id)} n'est plus multi-instance dans la version {targetVersion}");
            if (exec.State == ExecutionState.Joining && exec.ArrivedVia is { } via
                && (!target.Flows.TryGetValue(via, out var flow) || flow.Target.Id != id))
                Add($"le flux « {via} » par lequel un jeton attend à {Label(id)} n'existe pas dans la version {targetVersion}");
        }
        foreach (var task in tasks)
            Same(task.ElementId);
        foreach (var job in jobs)
        {
            if (Same(job.ElementId) is not { } node) continue;
            var kept = job.Kind switch
            {
                JobKind.IntermediateTimer => node is IntermediateCatchEvent { Timer: not null },
                JobKind.BoundaryTimer => node is BoundaryEvent { Timer: not null } b
                                         && source.Nodes[job.ElementId] is BoundaryEvent was && b.AttachedTo.Id == was.AttachedTo.Id,
                _ => true,
            };
            if (!kept)
                Add($"la minuterie {Label(job.ElementId)} n'est plus la même dans la version {targetVersion}");
        }
        foreach (var sub in subscriptions)
        {
            if (Same(sub.ElementId) is { } node && (node as IntermediateCatchEvent)?.MessageName != sub.MessageName)
                Add($"l'élément {Label(sub.ElementId)} n'attend plus le message « {sub.MessageName} » dans la version {targetVersion}");
        }
        return problems;
    }
}
