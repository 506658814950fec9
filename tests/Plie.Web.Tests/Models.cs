namespace Plie.Web.Tests;

/// <summary>Small BPMN models written for the API tests.</summary>
public static class Models
{
    private const string Header = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="test">
        """;

    /// <summary>start → review (user task for group "testeurs", due in 2 days) → end.</summary>
    public static string Review(string key = "api-review", string name = "Relecture") => Header + $"""
          <bpmn:process id="{key}" name="{name}" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
            <bpmn:userTask id="review" name="Relire le dossier" camunda:candidateGroups="testeurs,relecteurs" camunda:dueDate="P2D" />
            <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>Another version of api-review whose « review » step is gone (replaced by « triage »): a case waiting at
    /// « review » cannot migrate to it.</summary>
    public const string ReviewReplaced = Header + """
          <bpmn:process id="api-review" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="triage" />
            <bpmn:userTask id="triage" name="Trier" camunda:candidateGroups="testeurs" />
            <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>start → check (user task offered to the users "alice" and "bob" by name, no group) → end.</summary>
    public static string OfferedToUsers(string key = "api-offered") => Header + $"""
          <bpmn:process id="{key}" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
            <bpmn:userTask id="check" name="Vérifier" camunda:candidateUsers="alice,bob" />
            <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>A model the deploy check refuses: an unknown service-task topic and a gateway going nowhere.</summary>
    public const string Invalid = Header + """
          <bpmn:process id="api-invalid" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_Bad" />
            <bpmn:serviceTask id="Task_Bad" camunda:type="external" camunda:topic="nope.unknown" />
            <bpmn:sequenceFlow id="f2" sourceRef="Task_Bad" targetRef="Gateway_Dead" />
            <bpmn:exclusiveGateway id="Gateway_Dead" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>start → waits for message "pieces-recues" → review (user task) → end.</summary>
    public const string MessageCatch = Header + """
          <bpmn:message id="m1" name="pieces-recues" />
          <bpmn:process id="api-message" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
            <bpmn:intermediateCatchEvent id="wait" name="Pièces reçues"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="review" />
            <bpmn:userTask id="review" camunda:candidateGroups="testeurs" />
            <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>start → eligibility check (async, the real intake.check-eligibility handler) → review → end.</summary>
    public const string AsyncCheck = Header + """
          <bpmn:process id="api-async-check" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
            <bpmn:serviceTask id="check" name="Contrôle" camunda:type="external" camunda:topic="intake.check-eligibility" camunda:asyncBefore="true" />
            <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="review" />
            <bpmn:userTask id="review" />
            <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>A gateway condition that is not valid JavaScript.</summary>
    public const string BrokenCondition = Header + """
          <bpmn:process id="api-broken" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="choice" />
            <bpmn:exclusiveGateway id="choice" />
            <bpmn:sequenceFlow id="f2" sourceRef="choice" targetRef="end">
              <bpmn:conditionExpression xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="bpmn:tFormalExpression">${montant ==== (}</bpmn:conditionExpression>
            </bpmn:sequenceFlow>
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>Sub-processes nested <paramref name="depth"/> deep (the engine's parser is recursive).</summary>
    public static string DeeplyNested(int depth) => Header
        + """<bpmn:process id="api-deep" isExecutable="true"><bpmn:startEvent id="start" />"""
        + string.Concat(Enumerable.Range(0, depth).Select(i => $"""<bpmn:subProcess id="s{i}">"""))
        + string.Concat(Enumerable.Repeat("</bpmn:subProcess>", depth))
        + "</bpmn:process></bpmn:definitions>";
}
