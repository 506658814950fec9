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

    /// <summary>A model using every supported construct; it passes the deploy check.</summary>
    public static readonly string Rich = Definitions("""
        <bpmn:message id="Msg_Start" name="dossier.recu" />
        <bpmn:message id="Msg_Reply" name="reponse.recue" />
        <bpmn:error id="Err_Dup" name="Doublon" errorCode="DOUBLON" />
        <bpmn:process id="rich" name="Parcours complet" isExecutable="true">
          <bpmn:startEvent id="start" name="Demande" />
          <bpmn:startEvent id="nightly"><bpmn:timerEventDefinition><bpmn:timeCycle>R/P1D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
          <bpmn:startEvent id="byMail"><bpmn:messageEventDefinition messageRef="Msg_Start" /></bpmn:startEvent>
          <bpmn:userTask id="review" name="Examiner la demande" camunda:candidateGroups="conseillers" camunda:dueDate="P2D" camunda:priority="50" camunda:formKey="examen">
            <bpmn:extensionElements>
              <camunda:formData>
                <camunda:formField id="decision" label="Décision" type="enum">
                  <camunda:validation><camunda:constraint name="required" /></camunda:validation>
                  <camunda:value id="ok" name="Accepter" />
                  <camunda:value id="ko" name="Refuser" />
                </camunda:formField>
                <camunda:formField id="montant" label="Montant" type="long" defaultValue="0" />
              </camunda:formData>
            </bpmn:extensionElements>
          </bpmn:userTask>
          <bpmn:boundaryEvent id="remind" attachedToRef="review" cancelActivity="false">
            <bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>
          </bpmn:boundaryEvent>
          <bpmn:serviceTask id="notify" camunda:type="external" camunda:topic="mail.send">
            <bpmn:extensionElements>
              <camunda:inputOutput><camunda:inputParameter name="template">relance</camunda:inputParameter></camunda:inputOutput>
            </bpmn:extensionElements>
          </bpmn:serviceTask>
          <bpmn:endEvent id="reminded" />
          <bpmn:exclusiveGateway id="decide" default="refuse" />
          <bpmn:endEvent id="refused" />
          <bpmn:serviceTask id="create" camunda:type="external" camunda:topic="participant.create" camunda:asyncBefore="true">
            <bpmn:extensionElements>
              <camunda:failedJobRetryTimeCycle>R3/PT1M</camunda:failedJobRetryTimeCycle>
              <camunda:inputOutput>
                <camunda:inputParameter name="nom">${nom}</camunda:inputParameter>
                <camunda:outputParameter name="participantId">${id}</camunda:outputParameter>
              </camunda:inputOutput>
            </bpmn:extensionElements>
          </bpmn:serviceTask>
          <bpmn:boundaryEvent id="duplicate" attachedToRef="create"><bpmn:errorEventDefinition errorRef="Err_Dup" /></bpmn:boundaryEvent>
          <bpmn:endEvent id="dupEnd"><bpmn:errorEventDefinition errorRef="Err_Dup" /></bpmn:endEvent>
          <bpmn:parallelGateway id="fork" />
          <bpmn:subProcess id="follow" name="Suivi">
            <bpmn:startEvent id="subStart" />
            <bpmn:userTask id="meet" name="Entretien" camunda:assignee="${conseiller}" />
            <bpmn:boundaryEvent id="meetLate" attachedToRef="meet"><bpmn:timerEventDefinition><bpmn:timeDate>2030-01-01T08:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:endEvent id="subEnd" />
            <bpmn:endEvent id="subLate" />
            <bpmn:sequenceFlow id="s1" sourceRef="subStart" targetRef="meet" />
            <bpmn:sequenceFlow id="s2" sourceRef="meet" targetRef="subEnd" />
            <bpmn:sequenceFlow id="s3" sourceRef="meetLate" targetRef="subLate" />
          </bpmn:subProcess>
          <bpmn:callActivity id="orient" calledElement="orientation">
            <bpmn:extensionElements>
              <camunda:in variables="all" />
              <camunda:out source="resultat" target="orientation" />
            </bpmn:extensionElements>
          </bpmn:callActivity>
          <bpmn:parallelGateway id="join" />
          <bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
          <bpmn:intermediateCatchEvent id="reply"><bpmn:messageEventDefinition messageRef="Msg_Reply" /></bpmn:intermediateCatchEvent>
          <bpmn:userTask id="opinions" name="Avis des référents">
            <bpmn:multiInstanceLoopCharacteristics camunda:collection="${referents}" camunda:elementVariable="referent">
              <bpmn:completionCondition>${nrOfCompletedInstances ge 2}</bpmn:completionCondition>
            </bpmn:multiInstanceLoopCharacteristics>
          </bpmn:userTask>
          <bpmn:inclusiveGateway id="extras" default="noExtras" />
          <bpmn:serviceTask id="docs" camunda:type="external" camunda:topic="document.generate">
            <bpmn:multiInstanceLoopCharacteristics isSequential="true"><bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>
          </bpmn:serviceTask>
          <bpmn:endEvent id="done"><bpmn:terminateEventDefinition /></bpmn:endEvent>
          <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
          <bpmn:sequenceFlow id="f2" sourceRef="nightly" targetRef="review" />
          <bpmn:sequenceFlow id="f3" sourceRef="byMail" targetRef="review" />
          <bpmn:sequenceFlow id="f4" sourceRef="remind" targetRef="notify" />
          <bpmn:sequenceFlow id="f5" sourceRef="notify" targetRef="reminded" />
          <bpmn:sequenceFlow id="f6" sourceRef="review" targetRef="decide" />
          <bpmn:sequenceFlow id="accept" sourceRef="decide" targetRef="create">
            <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${decision eq 'ok' and montant gt 0}</bpmn:conditionExpression>
          </bpmn:sequenceFlow>
          <bpmn:sequenceFlow id="refuse" sourceRef="decide" targetRef="refused" />
          <bpmn:sequenceFlow id="f7" sourceRef="create" targetRef="fork" />
          <bpmn:sequenceFlow id="f8" sourceRef="duplicate" targetRef="dupEnd" />
          <bpmn:sequenceFlow id="f9" sourceRef="fork" targetRef="follow" />
          <bpmn:sequenceFlow id="f10" sourceRef="fork" targetRef="orient" />
          <bpmn:sequenceFlow id="f11" sourceRef="follow" targetRef="join" />
          <bpmn:sequenceFlow id="f12" sourceRef="orient" targetRef="join" />
          <bpmn:sequenceFlow id="f13" sourceRef="join" targetRef="pause" />
          <bpmn:sequenceFlow id="f14" sourceRef="pause" targetRef="reply" />
          <bpmn:sequenceFlow id="f15" sourceRef="reply" targetRef="opinions" />
          <bpmn:sequenceFlow id="f16" sourceRef="opinions" targetRef="extras" />
          <bpmn:sequenceFlow id="bigAmount" sourceRef="extras" targetRef="docs">
            <bpmn:conditionExpression language="javascript">montant &gt; 1000</bpmn:conditionExpression>
          </bpmn:sequenceFlow>
          <bpmn:sequenceFlow id="noExtras" sourceRef="extras" targetRef="done" />
          <bpmn:sequenceFlow id="f17" sourceRef="docs" targetRef="done" />
        </bpmn:process>
        """);

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
