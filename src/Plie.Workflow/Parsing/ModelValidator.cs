using Plie.Workflow.Model;
using Plie.Workflow.Ports;

namespace Plie.Workflow.Parsing;

/// <summary>The deploy check: parses, then checks what the engine needs to run the model safely.</summary>
public sealed class ModelValidator(ITopicCatalog topics, IFormCatalog forms)
{
    public ParseResult Validate(string? xml)
    {
        var parsed = BpmnParser.Parse(xml);
        if ((parsed.Model ?? parsed.Partial) is not { } model) return parsed;
        var errors = new List<ValidationError>(parsed.Errors);
        void Error(string? id, string message) => errors.Add(new ValidationError(id, message));

        if (!model.Root.Nodes.OfType<StartEvent>().Any())
            Error(model.Id, "Le processus n'a pas d'événement de début.");
        if (model.Root.Nodes.OfType<StartEvent>().Count(s => s.Timer is null && s.MessageName is null) > 1)
            Error(model.Id, "Le processus a plusieurs événements de début simples : gardez-en un seul.");

        foreach (var node in model.Nodes.Values)
        {
            switch (node)
            {
                case SubProcess sub:
                    var starts = sub.Body.Nodes.OfType<StartEvent>().ToList();
                    if (starts.Count != 1 || starts[0].Timer is not null || starts[0].MessageName is not null)
                        Error(sub.Id, "Un sous-processus doit avoir exactement un événement de début simple.");
                    break;
                case StartEvent start when start.Scope.Owner is not null && (start.Timer is not null || start.MessageName is not null):
                    Error(start.Id, "Dans un sous-processus, l'événement de début doit être simple.");
                    break;
                case Gateway gateway:
                    if (gateway.Outgoing.Count == 0)
                        Error(gateway.Id, "La passerelle n'a aucune sortie.");
                    if (gateway.Incoming.Count == 0)
                        Error(gateway.Id, "La passerelle n'a aucune entrée.");
                    if (gateway.DefaultFlowId is { } def)
                    {
                        var flow = gateway.Outgoing.FirstOrDefault(f => f.Id == def);
                        if (flow is null) Error(gateway.Id, $"Le flux par défaut « {def} » ne sort pas de cette passerelle.");
                        else if (flow.Condition is not null) Error(def, "Le flux par défaut ne doit pas avoir de condition.");
                    }
                    if (gateway.Kind == GatewayKind.Parallel && gateway.Outgoing.Any(f => f.Condition is not null))
                        Error(gateway.Id, "Les sorties d'une passerelle parallèle n'ont pas de condition.");
                    if (gateway.Kind != GatewayKind.Parallel && gateway.Outgoing.Count > 1 && gateway.DefaultFlowId is null
                        && gateway.Outgoing.All(f => f.Condition is not null))
                    {
                        // Allowed (a condition may always hold), but a dead end at run time becomes an incident.
                    }
                    break;
                case ServiceTask service when !topics.IsKnown(service.Topic):
                    Error(service.Id, $"Traitement inconnu : « {service.Topic} ». Choisissez un traitement du catalogue.");
                    break;
                case UserTask user when user.FormKey is { } key && !forms.IsKnown(key):
                    Error(user.Id, $"Formulaire inconnu : « {key} ».");
                    break;
                case IntermediateCatchEvent or EndEvent or StartEvent or BoundaryEvent when node.MultiInstance is not null:
                    Error(node.Id, "L'instance multiple n'est possible que sur une tâche ou une activité d'appel.");
                    break;
            }
            if (node is StartEvent && node.Incoming.Count > 0)
                Error(node.Id, "Un événement de début ne peut pas avoir de séquence entrante.");
            if (node is EndEvent && node.Outgoing.Count > 0)
                Error(node.Id, "Un événement de fin ne peut pas avoir de séquence sortante.");
            if (node is BoundaryEvent && node.Incoming.Count > 0)
                Error(node.Id, "Un événement de bordure ne peut pas avoir de séquence entrante.");
            if (node is BoundaryEvent && node.Outgoing.Count == 0)
                Error(node.Id, "L'événement de bordure n'a aucune sortie.");
        }

        foreach (var node in Unreachable(model))
            Error(node.Id, $"L'élément « {node.DisplayName} » est inatteignable : aucun chemin n'y mène depuis un début.");

        var distinct = errors.Distinct().ToList();
        return new ParseResult(distinct.Count == 0 ? model : null, distinct);
    }

    private static IEnumerable<FlowNode> Unreachable(ProcessModel model)
    {
        var seen = new HashSet<FlowNode>();
        var queue = new Queue<FlowNode>(model.Root.Nodes.OfType<StartEvent>());
        while (queue.TryDequeue(out var node))
        {
            if (!seen.Add(node)) continue;
            foreach (var f in node.Outgoing) queue.Enqueue(f.Target);
            foreach (var b in node.Boundaries) queue.Enqueue(b);
            if (node is SubProcess sub)
                foreach (var s in sub.Body.Nodes.OfType<StartEvent>()) queue.Enqueue(s);
        }
        return model.Nodes.Values.Where(n => !seen.Contains(n) && n is not StartEvent { Scope.Owner: null })
            .Where(n => n.Scope.Owner is null || seen.Contains(n.Scope.Owner)) // report the sub-process, not each of its nodes
            .OrderBy(n => n.Id, StringComparer.Ordinal);
    }
}
