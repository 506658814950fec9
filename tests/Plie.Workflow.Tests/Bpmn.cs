using Plie.Workflow.Model;
using Plie.Workflow.Parsing;
using Plie.Workflow.Ports;

namespace Plie.Workflow.Tests;

/// <summary>Builds small BPMN documents for the tests.</summary>
internal static class Bpmn
{
    public const string Namespaces =
        """xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" """;

    /// <summary>A bpmn:definitions document around <paramref name="content"/> (processes, messages, errors…).</summary>
    public static string Definitions(string content) =>
        $"""
         <?xml version="1.0" encoding="UTF-8"?>
         <bpmn:definitions {Namespaces}id="Definitions_1" targetNamespace="http://plie.test/bpmn">
         {content}
         </bpmn:definitions>
         """;

    /// <summary>One executable process with <paramref name="body"/>; <paramref name="declarations"/> go before it (bpmn:message, bpmn:error).</summary>
    public static string Process(string body, string declarations = "") =>
        Definitions($"""
                     {declarations}
                     <bpmn:process id="proc" name="Processus de test" isExecutable="true">
                     {body}
                     </bpmn:process>
                     """);

    /// <summary>start → <paramref name="nodeId"/> → end, <paramref name="nodeXml"/> being the node (and anything else it needs).</summary>
    public static string Around(string nodeXml, string nodeId = "task", string declarations = "") =>
        Process($"""
                 <bpmn:startEvent id="start" />
                 {nodeXml}
                 <bpmn:endEvent id="end" />
                 <bpmn:sequenceFlow id="toNode" sourceRef="start" targetRef="{nodeId}" />
                 <bpmn:sequenceFlow id="fromNode" sourceRef="{nodeId}" targetRef="end" />
                 """, declarations);

    public const string UserTask = """<bpmn:userTask id="task" name="Vérifier le dossier" camunda:candidateGroups="conseillers" />""";

    public const string ServiceTask = """<bpmn:serviceTask id="task" name="Créer le participant" camunda:type="external" camunda:topic="participant.create" />""";

    /// <summary>Parses and fails the test with the errors if no model came out.</summary>
    public static ProcessModel Parse(string xml)
    {
        var result = BpmnParser.Parse(xml);
        Assert.True(result.Model is not null, "Le modèle devait se lire : " + string.Join(" | ", result.Errors));
        Assert.Empty(result.Errors);
        return result.Model!;
    }

    public static ModelValidator Validator(IFormCatalog? forms = null) => new(new TestTopics(), forms ?? new TestForms());

    public static ParseResult Validate(string xml, IFormCatalog? forms = null) => Validator(forms).Validate(xml);

    /// <summary>The model passes the deploy check.</summary>
    public static ProcessModel Valid(string xml)
    {
        var result = Validate(xml);
        Assert.True(result.Model is not null && result.Errors.Count == 0, "Le modèle devait passer : " + string.Join(" | ", result.Errors));
        return result.Model!;
    }

    /// <summary>
    /// The model is refused, with an error on <paramref name="elementId"/> whose message contains every fragment
    /// (ordinal, case-insensitive). Returns that error.
    /// </summary>
    public static ValidationError Refused(ParseResult result, string? elementId, params string[] fragments)
    {
        var all = string.Join(" | ", result.Errors);
        Assert.True(result.Model is null, "Le modèle devait être refusé ; erreurs : " + all);
        var match = result.Errors.FirstOrDefault(e => e.ElementId == elementId
            && fragments.All(f => e.Message.Contains(f, StringComparison.OrdinalIgnoreCase)));
        Assert.True(match is not null,
            $"Aucune erreur sur « {elementId ?? "(document)"} » contenant [{string.Join("], [", fragments)}] ; erreurs : {all}");
        return match!;
    }
}

/// <summary>A topic catalogue that knows a few treatments.</summary>
internal sealed class TestTopics : ITopicCatalog
{
    public static readonly string[] Known = ["participant.create", "mail.send", "document.generate"];

    public bool IsKnown(string topic) => Known.Contains(topic, StringComparer.Ordinal);

    public IReadOnlyList<TopicDescriptor> Topics { get; } =
        Known.Select(t => new TopicDescriptor(t, t, [], [])).ToList();
}

/// <summary>A form catalogue that knows the given keys (none given: every key, as the real one with no forms).</summary>
internal sealed class TestForms(params string[] keys) : IFormCatalog
{
    public bool IsKnown(string formKey) => keys.Length == 0 || keys.Contains(formKey, StringComparer.Ordinal);
}
