using Moq;
using Plie.Workflow.Model;
using Plie.Workflow.Ports;

namespace Plie.Workflow.Tests;

/// <summary>The deploy check refuses what the engine cannot run, naming the element and what is wrong, in French.</summary>
public class ModelValidatorTests
{
    private static string Flow(string id, string source, string target, string condition = "") =>
        condition.Length == 0
            ? $"""<bpmn:sequenceFlow id="{id}" sourceRef="{source}" targetRef="{target}" />"""
            : $"""<bpmn:sequenceFlow id="{id}" sourceRef="{source}" targetRef="{target}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>""";

    /// <summary>A user task, and an extra way out "cond" from it to "other" with the given condition.</summary>
    private static string WithCondition(string condition, string language = "") => Bpmn.Around($"""
        {Bpmn.UserTask}
        <bpmn:endEvent id="other" />
        <bpmn:sequenceFlow id="cond" sourceRef="task" targetRef="other">
          <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" {language}>{condition}</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        """);

    private static string TimerStart(string tag, string text) => Bpmn.Around($"""
        <bpmn:startEvent id="timer"><bpmn:timerEventDefinition><bpmn:{tag}>{text}</bpmn:{tag}></bpmn:timerEventDefinition></bpmn:startEvent>
        {Flow("timerFlow", "timer", "task")}
        {Bpmn.UserTask}
        """);

    // --- What passes ---------------------------------------------------------------------------------------------

    [Fact]
    public void RichModel_WithEveryConstruct_Passes()
    {
        var model = Bpmn.Valid(Bpmn.Rich);

        Assert.Equal("rich", model.Id);
        Assert.Equal(3, model.Root.Nodes.OfType<StartEvent>().Count());
        Assert.Equal(["meet", "meetLate", "subEnd", "subLate", "subStart"],
            model.Nodes.Values.Where(n => n.Scope.Owner?.Id == "follow").Select(n => n.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void StraightUserTaskAndServiceTask_Pass()
    {
        Bpmn.Valid(Bpmn.Around(Bpmn.UserTask));
        Bpmn.Valid(Bpmn.Around(Bpmn.ServiceTask));
    }

    [Fact]
    public void KnownFormKey_Passes()
    {
        var forms = Mock.Of<IFormCatalog>(f => f.IsKnown("entretien") == true);

        var result = Bpmn.Validate(Bpmn.Around("""<bpmn:userTask id="task" camunda:formKey="entretien" />"""), forms);

        Assert.NotNull(result.Model);
        Assert.Empty(result.Errors);
    }

    // --- Unsupported elements ------------------------------------------------------------------------------------

    [Theory]
    [InlineData("task")]
    [InlineData("scriptTask")]
    [InlineData("sendTask")]
    [InlineData("receiveTask")]
    [InlineData("manualTask")]
    [InlineData("businessRuleTask")]
    [InlineData("eventBasedGateway")]
    [InlineData("complexGateway")]
    [InlineData("intermediateThrowEvent")]
    [InlineData("transaction")]
    [InlineData("adHocSubProcess")]
    public void UnsupportedElementType_IsRefusedByName(string element)
    {
        var result = Bpmn.Validate(Bpmn.Around($"""<bpmn:{element} id="task" name="Quelque chose" />"""));

        Bpmn.Refused(result, "task", "non pris en charge", element);
    }

    [Fact]
    public void PlainTask_SuggestsAUserOrServiceTask()
    {
        var result = Bpmn.Validate(Bpmn.Around("""<bpmn:task id="task" />"""));

        Bpmn.Refused(result, "task", "task", "tâche utilisateur", "tâche de service");
    }

    [Fact]
    public void EventBasedGateway_SuggestsASupportedGateway()
    {
        var result = Bpmn.Validate(Bpmn.Around("""<bpmn:eventBasedGateway id="task" />"""));

        Bpmn.Refused(result, "task", "eventBasedGateway", "passerelle exclusive");
    }

    [Theory]
    [InlineData("signalEventDefinition", "signal")]
    [InlineData("conditionalEventDefinition", "conditionnel")]
    [InlineData("escalationEventDefinition", "escalade")]
    [InlineData("errorEventDefinition", "erreur")]
    public void UnsupportedStartEvent_IsRefusedNamingItsKind(string definition, string kind)
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            <bpmn:startEvent id="other"><bpmn:{definition} /></bpmn:startEvent>
            {Flow("otherFlow", "other", "task")}
            {Bpmn.UserTask}
            """));

        Bpmn.Refused(result, "other", "début", kind, "non pris en charge");
    }

    [Fact]
    public void MessageEndEvent_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:endEvent id="task"><bpmn:messageEventDefinition messageRef="M" /></bpmn:endEvent>
            """, declarations: """<bpmn:message id="M" name="m" />""").Replace(Flow("fromNode", "task", "end"), ""));

        Bpmn.Refused(result, "task", "fin", "message", "non pris en charge");
    }

    [Fact]
    public void EventSubProcess_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around(Bpmn.UserTask + """
            <bpmn:subProcess id="events" triggeredByEvent="true"><bpmn:startEvent id="evStart" /></bpmn:subProcess>
            """));

        Bpmn.Refused(result, "events", "sous-processus événementiels");
    }

    [Fact]
    public void StandardLoop_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""<bpmn:userTask id="task"><bpmn:standardLoopCharacteristics /></bpmn:userTask>"""));

        Bpmn.Refused(result, "task", "boucles standard");
    }

    // --- Service tasks ------------------------------------------------------------------------------------------

    [Fact]
    public void ServiceTask_WithoutExternalTypeOrTopic_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""<bpmn:serviceTask id="task" name="Créer" />"""));

        Bpmn.Refused(result, "task", "camunda:type=\"external\"", "camunda:topic");
    }

    [Fact]
    public void ServiceTask_ExternalWithoutTopic_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""<bpmn:serviceTask id="task" camunda:type="external" camunda:topic=" " />"""));

        Bpmn.Refused(result, "task", "camunda:topic");
    }

    [Theory]
    [InlineData("class", "fr.plie.CreerParticipant")]
    [InlineData("expression", "${service.creer()}")]
    [InlineData("delegateExpression", "${creerParticipant}")]
    public void ServiceTask_WithJavaImplementation_IsRefusedNamingTheAttribute(string attribute, string value)
    {
        var result = Bpmn.Validate(Bpmn.Around($"""<bpmn:serviceTask id="task" camunda:{attribute}="{value}" />"""));

        Bpmn.Refused(result, "task", $"camunda:{attribute}", "n'est pas pris en charge", "external");
    }

    [Fact]
    public void RefusedServiceTask_ItsBoundaryAndFlowsAreNotReportedAsUnknown()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:serviceTask id="task" camunda:class="fr.plie.Creer" />
            <bpmn:boundaryEvent id="failed" attachedToRef="task"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="failedFlow" sourceRef="failed" targetRef="end" />
            """));

        var error = Assert.Single(result.Errors);
        Assert.Equal("task", error.ElementId);
        Assert.Contains("camunda:class", error.Message);
    }

    [Fact]
    public void ServiceTask_UnknownTopic_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""<bpmn:serviceTask id="task" camunda:type="external" camunda:topic="mail.sned" />"""));

        var error = Bpmn.Refused(result, "task", "Traitement inconnu", "« mail.sned »", "catalogue");
        Assert.Single(result.Errors);
        Assert.Equal("task: " + error.Message, error.ToString());
    }

    [Fact]
    public void ServiceTask_ParameterThatDoesNotParse_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:serviceTask id="task" camunda:type="external" camunda:topic="mail.send">
              <bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="to">${participant.}</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>
            </bpmn:serviceTask>
            """));

        Bpmn.Refused(result, "task", "« to »", "ne se lit pas");
    }

    [Fact]
    public void ServiceTask_ScriptParameter_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:serviceTask id="task" camunda:type="external" camunda:topic="mail.send">
              <bpmn:extensionElements><camunda:inputOutput>
                <camunda:inputParameter name="to"><camunda:script scriptFormat="groovy">x</camunda:script></camunda:inputParameter>
              </camunda:inputOutput></bpmn:extensionElements>
            </bpmn:serviceTask>
            """));

        Bpmn.Refused(result, "task", "« to »", "pas de script");
    }

    // --- User tasks ---------------------------------------------------------------------------------------------

    [Fact]
    public void UserTask_UnknownFormKey_IsRefused()
    {
        var forms = new Mock<IFormCatalog>();
        forms.Setup(f => f.IsKnown(It.IsAny<string>())).Returns(false);

        var result = Bpmn.Validate(Bpmn.Around("""<bpmn:userTask id="task" camunda:formKey="entretien-v2" />"""), forms.Object);

        Bpmn.Refused(result, "task", "Formulaire inconnu", "entretien-v2");
        forms.Verify(f => f.IsKnown("entretien-v2"));
    }

    [Theory]
    [InlineData("camunda:dueDate", "demain")]
    [InlineData("camunda:followUpDate", "31/01/2026")]
    public void UserTask_UnreadableDueDate_IsRefused(string attribute, string value)
    {
        var result = Bpmn.Validate(Bpmn.Around($"""<bpmn:userTask id="task" {attribute}="{value}" />"""));

        Bpmn.Refused(result, "task", attribute, value, "durée");
    }

    [Fact]
    public void UserTask_PriorityNotANumber_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""<bpmn:userTask id="task" camunda:priority="haute" />"""));

        Bpmn.Refused(result, "task", "camunda:priority", "haute", "entier");
    }

    [Theory]
    [InlineData("camunda:assignee", "${conseiller +}")]
    [InlineData("camunda:candidateGroups", "${groupes.}")]
    [InlineData("camunda:candidateUsers", "${a b}")]
    [InlineData("camunda:priority", "${urgent ? 90}")]
    public void UserTask_ExpressionThatDoesNotParse_IsRefused(string attribute, string value)
    {
        var result = Bpmn.Validate(Bpmn.Around($"""<bpmn:userTask id="task" {attribute}="{value}" />"""));

        Bpmn.Refused(result, "task", attribute, value, "ne se lit pas");
    }

    [Fact]
    public void UserTask_ExpressionsThatParse_Pass()
    {
        Bpmn.Valid(Bpmn.Around("""
            <bpmn:userTask id="task" camunda:assignee="${conseiller}" camunda:candidateGroups="${'conseillers-' + site}"
                camunda:candidateUsers="alice" camunda:priority="${urgent ? 90 : 50}" />
            """));
    }

    [Fact]
    public void FormField_UnsupportedType_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:userTask id="task"><bpmn:extensionElements><camunda:formData>
              <camunda:formField id="photo" type="file" />
            </camunda:formData></bpmn:extensionElements></bpmn:userTask>
            """));

        Bpmn.Refused(result, "task", "« photo »", "type non pris en charge", "file");
    }

    [Fact]
    public void FormField_EnumWithoutValues_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:userTask id="task"><bpmn:extensionElements><camunda:formData>
              <camunda:formField id="orientation" type="enum" />
            </camunda:formData></bpmn:extensionElements></bpmn:userTask>
            """));

        Bpmn.Refused(result, "task", "« orientation »", "enum", "aucune valeur");
    }

    [Fact]
    public void FormField_Duplicated_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:userTask id="task"><bpmn:extensionElements><camunda:formData>
              <camunda:formField id="nom" /><camunda:formField id="nom" />
            </camunda:formData></bpmn:extensionElements></bpmn:userTask>
            """));

        Bpmn.Refused(result, "task", "« nom »", "en double");
    }

    // --- Gateways and conditions --------------------------------------------------------------------------------

    [Fact]
    public void Gateway_WithoutOutgoingFlow_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Process($"""
            <bpmn:startEvent id="start" />
            <bpmn:exclusiveGateway id="gw" name="Éligible ?" />
            <bpmn:endEvent id="end" />
            {Flow("f1", "start", "gw")}
            {Flow("f2", "start", "end")}
            """));

        Bpmn.Refused(result, "gw", "passerelle", "aucune sortie");
    }

    [Fact]
    public void Gateway_WithoutIncomingFlow_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:parallelGateway id="gw" />
            {Flow("f1", "gw", "end")}
            """));

        Bpmn.Refused(result, "gw", "passerelle", "aucune entrée");
    }

    [Fact]
    public void Condition_ThatDoesNotParse_IsRefusedWithoutThrowing()
    {
        var result = Bpmn.Validate(WithCondition("${montant >}"));

        Bpmn.Refused(result, "cond", "condition", "ne se lit pas");
    }

    [Fact]
    public void Condition_JavaScriptThatDoesNotParse_IsRefused()
    {
        var result = Bpmn.Validate(WithCondition("if (x) {", """language="javascript" """));

        Bpmn.Refused(result, "cond", "condition", "ne se lit pas");
    }

    [Fact]
    public void Condition_InGroovy_IsRefusedNamingTheLanguage()
    {
        var result = Bpmn.Validate(WithCondition("montant > 100", """language="groovy" """));

        Bpmn.Refused(result, "cond", "Langage de condition non pris en charge", "groovy");
    }

    [Fact]
    public void Condition_Empty_IsRefused()
    {
        var result = Bpmn.Validate(WithCondition("  "));

        Bpmn.Refused(result, "cond", "condition est vide");
    }

    [Fact]
    public void Condition_InExternalResource_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:endEvent id="other" />
            <bpmn:sequenceFlow id="cond" sourceRef="task" targetRef="other">
              <bpmn:conditionExpression language="javascript" camunda:resource="conditions/montant.js" />
            </bpmn:sequenceFlow>
            """));

        Bpmn.Refused(result, "cond", "camunda:resource");
    }

    [Fact]
    public void DefaultFlow_WithACondition_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Process($"""
            <bpmn:startEvent id="start" />
            <bpmn:exclusiveGateway id="gw" default="otherwise" />
            <bpmn:endEvent id="a" />
            <bpmn:endEvent id="b" />
            {Flow("in", "start", "gw")}
            {Flow("high", "gw", "a", "${montant gt 100}")}
            {Flow("otherwise", "gw", "b", "${montant le 100}")}
            """));

        Bpmn.Refused(result, "otherwise", "flux par défaut", "condition");
    }

    [Fact]
    public void DefaultFlow_NotLeavingTheGateway_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Process($"""
            <bpmn:startEvent id="start" />
            <bpmn:exclusiveGateway id="gw" default="in" />
            <bpmn:endEvent id="a" />
            {Flow("in", "start", "gw")}
            {Flow("out", "gw", "a")}
            """));

        Bpmn.Refused(result, "gw", "flux par défaut", "« in »", "ne sort pas");
    }

    [Fact]
    public void ParallelGateway_WithConditions_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Process($"""
            <bpmn:startEvent id="start" />
            <bpmn:parallelGateway id="gw" />
            <bpmn:endEvent id="a" />
            <bpmn:endEvent id="b" />
            {Flow("in", "start", "gw")}
            {Flow("x", "gw", "a", "${ok}")}
            {Flow("y", "gw", "b")}
            """));

        Bpmn.Refused(result, "gw", "parallèle", "condition");
    }

    // --- Structure ----------------------------------------------------------------------------------------------

    [Fact]
    public void NoStartEvent_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Process($"""
            {Bpmn.UserTask}
            <bpmn:endEvent id="end" />
            {Flow("f", "task", "end")}
            """));

        Bpmn.Refused(result, "proc", "pas d'événement de début");
    }

    [Fact]
    public void TwoNoneStartEvents_AreRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            <bpmn:startEvent id="start2" />
            {Flow("f", "start2", "task")}
            {Bpmn.UserTask}
            """));

        Bpmn.Refused(result, "proc", "plusieurs événements de début simples");
    }

    [Fact]
    public void UnreachableNode_IsRefusedByName()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:userTask id="orphan" name="Relancer le participant" />
            {Flow("o", "orphan", "end")}
            """));

        var error = Bpmn.Refused(result, "orphan", "« Relancer le participant »", "inatteignable");
        Assert.Single(result.Errors);
        Assert.Equal("orphan", error.ElementId);
    }

    [Fact]
    public void UnreachableSubProcess_IsReportedOnceNotForEachInnerNode()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:subProcess id="lost" name="Suivi oublié">
              <bpmn:startEvent id="ls" />
              <bpmn:endEvent id="le" />
              {Flow("lf", "ls", "le")}
            </bpmn:subProcess>
            """));

        Bpmn.Refused(result, "lost", "« Suivi oublié »", "inatteignable");
        Assert.Single(result.Errors);
    }

    [Fact]
    public void DuplicateId_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around(Bpmn.UserTask + """<bpmn:userTask id="task" name="Autre" />"""));

        Bpmn.Refused(result, "task", "en double", "« task »");
    }

    [Fact]
    public void ElementWithoutId_IsRefusedWithItsLine()
    {
        var result = Bpmn.Validate(Bpmn.Around(Bpmn.UserTask + """<bpmn:userTask name="Sans identifiant" />"""));

        Bpmn.Refused(result, null, "userTask", "pas d'identifiant", "ligne");
    }

    [Fact]
    public void SequenceFlow_ToUnknownElement_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around(Bpmn.UserTask).Replace("""targetRef="end" """, """targetRef="nowhere" """));

        Bpmn.Refused(result, "fromNode", "mène à un élément inconnu", "« nowhere »");
    }

    [Fact]
    public void SequenceFlow_FromUnknownElement_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around(Bpmn.UserTask + Flow("ghost", "nobody", "end")));

        Bpmn.Refused(result, "ghost", "part d'un élément inconnu", "« nobody »");
    }

    [Fact]
    public void SequenceFlow_ToAnotherSequenceFlow_IsRefusedNotDropped()
    {
        var result = Bpmn.Validate(Bpmn.Around(Bpmn.UserTask + Flow("odd", "task", "toNode")));

        Bpmn.Refused(result, "odd", "mène à un élément inconnu", "« toNode »");
    }

    [Fact]
    public void SequenceFlow_CrossingASubProcessBoundary_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:subProcess id="task">
              <bpmn:startEvent id="subStart" />
              <bpmn:userTask id="inner" />
              <bpmn:sequenceFlow id="s1" sourceRef="subStart" targetRef="inner" />
              <bpmn:sequenceFlow id="escape" sourceRef="inner" targetRef="end" />
            </bpmn:subProcess>
            """));

        Bpmn.Refused(result, "escape", "traverser", "sous-processus");
    }

    [Fact]
    public void SubProcess_WithoutStartEvent_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""<bpmn:subProcess id="task"><bpmn:userTask id="inner" /></bpmn:subProcess>"""));

        Bpmn.Refused(result, "task", "sous-processus", "exactement un événement de début simple");
    }

    [Fact]
    public void StartEventWithIncomingFlow_AndEndEventWithOutgoingFlow_AreRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around(Bpmn.UserTask + Flow("back", "end", "start")));

        Bpmn.Refused(result, "start", "début", "séquence entrante");
        Bpmn.Refused(result, "end", "fin", "séquence sortante");
    }

    // --- Timers -------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("5 jours")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P99999999999D")]
    [InlineData("PT99999999999H")]
    public void Timer_BadDuration_IsRefused(string text)
    {
        var result = Bpmn.Validate(TimerStart("timeDuration", text));

        Bpmn.Refused(result, "timer", "Durée de minuterie invalide", $"« {text} »", "P2D");
    }

    [Theory]
    [InlineData("31/01/2026")]
    [InlineData("01/02/2026")]
    [InlineData("demain 9h")]
    [InlineData("2026-13-01T09:00:00Z")]
    public void Timer_BadDate_IsRefused(string text)
    {
        var result = Bpmn.Validate(TimerStart("timeDate", text));

        Bpmn.Refused(result, "timer", "Date de minuterie invalide", $"« {text} »", "ISO-8601");
    }

    [Fact]
    public void Timer_CronCycle_IsRefused()
    {
        var result = Bpmn.Validate(TimerStart("timeCycle", "0 0 9 * * ?"));

        Bpmn.Refused(result, "timer", "Cycle de minuterie invalide", "cron");
    }

    [Fact]
    public void Timer_ExpressionThatDoesNotParse_IsRefused()
    {
        var result = Bpmn.Validate(TimerStart("timeDuration", "${delai +}"));

        Bpmn.Refused(result, "timer", "minuterie", "ne se lit pas");
    }

    [Fact]
    public void Timer_WithoutDurationDateOrCycle_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:intermediateCatchEvent id="task"><bpmn:timerEventDefinition /></bpmn:intermediateCatchEvent>
            """));

        Bpmn.Refused(result, "task", "durée, une date ou un cycle");
    }

    [Theory]
    [InlineData("R/PT30S")]
    [InlineData("PT30S")]
    [InlineData("R3/P1M")]
    [InlineData("toutes les 5 minutes")]
    public void BadRetryCycle_IsRefused(string text)
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            <bpmn:serviceTask id="task" camunda:type="external" camunda:topic="mail.send">
              <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>{text}</camunda:failedJobRetryTimeCycle></bpmn:extensionElements>
            </bpmn:serviceTask>
            """));

        Bpmn.Refused(result, "task", "camunda:failedJobRetryTimeCycle", $"« {text} »", "R3/PT10M");
    }

    [Fact]
    public void TimerStartEventInSubProcess_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:subProcess id="task">
              <bpmn:startEvent id="subTimer"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>
              <bpmn:endEvent id="subEnd" />
              <bpmn:sequenceFlow id="s1" sourceRef="subTimer" targetRef="subEnd" />
            </bpmn:subProcess>
            """));

        Bpmn.Refused(result, "subTimer", "sous-processus", "simple");
    }

    // --- Boundary events ----------------------------------------------------------------------------------------

    [Fact]
    public void BoundaryTimer_OnServiceTask_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.ServiceTask}
            <bpmn:boundaryEvent id="late" attachedToRef="task"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            {Flow("lateFlow", "late", "end")}
            """));

        Bpmn.Refused(result, "late", "minuterie de bordure", "serviceTask");
    }

    [Fact]
    public void BoundaryError_OnUserTask_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:boundaryEvent id="err" attachedToRef="task"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
            {Flow("errFlow", "err", "end")}
            """));

        Bpmn.Refused(result, "err", "erreur de bordure", "userTask");
    }

    [Fact]
    public void BoundaryError_NonInterrupting_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.ServiceTask}
            <bpmn:boundaryEvent id="err" attachedToRef="task" cancelActivity="false"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
            {Flow("errFlow", "err", "end")}
            """));

        Bpmn.Refused(result, "err", "interrompt toujours", "cancelActivity");
    }

    [Fact]
    public void BoundaryError_UndeclaredError_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.ServiceTask}
            <bpmn:boundaryEvent id="err" attachedToRef="task"><bpmn:errorEventDefinition errorRef="Err_Inconnue" /></bpmn:boundaryEvent>
            {Flow("errFlow", "err", "end")}
            """));

        Bpmn.Refused(result, "err", "« Err_Inconnue »", "pas déclarée");
    }

    [Fact]
    public void BoundaryMessage_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:boundaryEvent id="msg" attachedToRef="task"><bpmn:messageEventDefinition messageRef="M" /></bpmn:boundaryEvent>
            {Flow("msgFlow", "msg", "end")}
            """, declarations: """<bpmn:message id="M" name="annulation" />"""));

        Bpmn.Refused(result, "msg", "bordure message", "pas pris en charge");
    }

    [Fact]
    public void Boundary_AttachedToUnknownElement_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:boundaryEvent id="late" attachedToRef="ghost"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            """));

        Bpmn.Refused(result, "late", "attaché à un élément inconnu", "« ghost »");
    }

    [Fact]
    public void Boundary_WithoutOutgoingFlow_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:boundaryEvent id="late" attachedToRef="task"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            """));

        Bpmn.Refused(result, "late", "bordure", "aucune sortie");
    }

    // --- Messages and errors ------------------------------------------------------------------------------------

    [Fact]
    public void MessageEvent_UndeclaredMessage_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:intermediateCatchEvent id="task"><bpmn:messageEventDefinition messageRef="Msg_Absent" /></bpmn:intermediateCatchEvent>
            """));

        Bpmn.Refused(result, "task", "message déclaré", "bpmn:message");
    }

    [Fact]
    public void MessageEvent_MessageWithoutName_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:intermediateCatchEvent id="task"><bpmn:messageEventDefinition messageRef="Msg_1" /></bpmn:intermediateCatchEvent>
            """, declarations: """<bpmn:message id="Msg_1" />"""));

        Bpmn.Refused(result, "task", "avec un nom");
    }

    [Fact]
    public void IntermediateCatchEvent_WithoutTimerOrMessage_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:intermediateCatchEvent id="task"><bpmn:signalEventDefinition /></bpmn:intermediateCatchEvent>
            """));

        Bpmn.Refused(result, "task", "minuterie ou un message");
    }

    [Fact]
    public void ErrorEndEvent_UndeclaredError_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around(Bpmn.UserTask).Replace("""<bpmn:endEvent id="end" />""",
            """<bpmn:endEvent id="end"><bpmn:errorEventDefinition errorRef="Err_X" /></bpmn:endEvent>"""));

        Bpmn.Refused(result, "end", "« Err_X »", "pas déclarée");
    }

    // --- Processes ----------------------------------------------------------------------------------------------

    [Fact]
    public void MultipleExecutableProcesses_AreRefusedNamingThem()
    {
        var result = Bpmn.Validate(Bpmn.Definitions("""
            <bpmn:process id="inscription" isExecutable="true"><bpmn:startEvent id="s1" /></bpmn:process>
            <bpmn:process id="sortie" isExecutable="true"><bpmn:startEvent id="s2" /></bpmn:process>
            """));

        Bpmn.Refused(result, null, "Un seul processus exécutable", "inscription", "sortie");
    }

    [Fact]
    public void NoProcess_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Definitions("""<bpmn:message id="M" name="m" />"""));

        Bpmn.Refused(result, null, "Aucun processus exécutable");
    }

    [Fact]
    public void SeveralProcessesNoneExecutable_AreRefused()
    {
        var result = Bpmn.Validate(Bpmn.Definitions("""
            <bpmn:process id="a" isExecutable="false"><bpmn:startEvent id="s1" /></bpmn:process>
            <bpmn:process id="b" isExecutable="false"><bpmn:startEvent id="s2" /></bpmn:process>
            """));

        Bpmn.Refused(result, null, "Aucun processus exécutable");
    }

    [Fact]
    public void ProcessWithoutId_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Process(Bpmn.UserTask).Replace("""<bpmn:process id="proc" """, "<bpmn:process "));

        Bpmn.Refused(result, null, "processus", "pas d'identifiant");
    }

    // --- Multi-instance and call activities ---------------------------------------------------------------------

    [Fact]
    public void MultiInstance_WithoutCollectionOrCardinality_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:userTask id="task"><bpmn:multiInstanceLoopCharacteristics camunda:elementVariable="x" /></bpmn:userTask>
            """));

        Bpmn.Refused(result, "task", "instance multiple", "camunda:collection", "loopCardinality");
    }

    [Fact]
    public void MultiInstance_CompletionConditionThatDoesNotParse_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:userTask id="task"><bpmn:multiInstanceLoopCharacteristics camunda:collection="items">
              <bpmn:completionCondition>${nrOfCompletedInstances ==}</bpmn:completionCondition>
            </bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
            """));

        Bpmn.Refused(result, "task", "condition de fin", "ne se lit pas");
    }

    [Fact]
    public void MultiInstance_CollectionExpressionThatDoesNotParse_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:userTask id="task"><bpmn:multiInstanceLoopCharacteristics camunda:collection="${referents.}" /></bpmn:userTask>
            """));

        Bpmn.Refused(result, "task", "camunda:collection", "ne se lit pas");
    }

    [Theory]
    [InlineData("trois")]
    [InlineData("${n *}")]
    public void MultiInstance_UnreadableCardinality_IsRefused(string cardinality)
    {
        var result = Bpmn.Validate(Bpmn.Around($"""
            <bpmn:userTask id="task"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
            """));

        Bpmn.Refused(result, "task", "loopCardinality", cardinality);
    }

    [Fact]
    public void CallActivity_SourceExpressionThatDoesNotParse_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:callActivity id="task" calledElement="orientation">
              <bpmn:extensionElements><camunda:in sourceExpression="${commune.}" target="codeCommune" /></bpmn:extensionElements>
            </bpmn:callActivity>
            """));

        Bpmn.Refused(result, "task", "camunda:in/out", "ne se lit pas");
    }

    [Fact]
    public void MultiInstance_OnSubProcess_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:subProcess id="task">
              <bpmn:multiInstanceLoopCharacteristics camunda:collection="items" />
              <bpmn:startEvent id="subStart" />
            </bpmn:subProcess>
            """));

        Bpmn.Refused(result, "task", "instance multiple", "tâches utilisateur");
    }

    [Fact]
    public void CallActivity_WithoutCalledElement_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""<bpmn:callActivity id="task" />"""));

        Bpmn.Refused(result, "task", "calledElement");
    }

    [Fact]
    public void CallActivity_MappingWithoutTarget_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Around("""
            <bpmn:callActivity id="task" calledElement="orientation">
              <bpmn:extensionElements><camunda:in source="participantId" /></bpmn:extensionElements>
            </bpmn:callActivity>
            """));

        Bpmn.Refused(result, "task", "camunda:in/out", "source et target");
    }

    // --- Several errors at once ---------------------------------------------------------------------------------

    [Fact]
    public void EveryProblemIsReported_NotOnlyTheFirst()
    {
        var result = Bpmn.Validate(Bpmn.Process($"""
            <bpmn:startEvent id="start" />
            <bpmn:serviceTask id="a" camunda:type="external" camunda:topic="inconnu.un" />
            <bpmn:serviceTask id="b" camunda:type="external" camunda:topic="inconnu.deux" />
            <bpmn:endEvent id="end" />
            {Flow("f1", "start", "a")}
            {Flow("f2", "a", "b")}
            {Flow("f3", "b", "end")}
            """));

        Bpmn.Refused(result, "a", "inconnu.un");
        Bpmn.Refused(result, "b", "inconnu.deux");
        Assert.Equal(2, result.Errors.Count);
    }
}
