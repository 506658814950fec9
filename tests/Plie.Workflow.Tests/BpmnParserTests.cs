using System.Text.Json.Nodes;
using Plie.Workflow.Expressions;
using Plie.Workflow.Model;

namespace Plie.Workflow.Tests;

/// <summary>Every supported construct is read into the model with what the engine needs to run it.</summary>
public class BpmnParserTests
{
    [Fact]
    public void Process_IdNameAndFlowsAreRead()
    {
        var model = Bpmn.Parse(Bpmn.Around(Bpmn.UserTask));

        Assert.Equal("proc", model.Id);
        Assert.Equal("Processus de test", model.Name);
        Assert.Equal(["end", "start", "task"], model.Nodes.Keys.Order(StringComparer.Ordinal));
        var flow = model.Flows["toNode"];
        Assert.Same(model.Node("start"), flow.Source);
        Assert.Same(model.Node("task"), flow.Target);
        Assert.Null(flow.Condition);
        Assert.Same(flow, Assert.Single(model.Node("start").Outgoing));
        Assert.Same(flow, Assert.Single(model.Node("task").Incoming));
        Assert.All(model.Nodes.Values, n => Assert.Null(n.Scope.Owner));
    }

    [Fact]
    public void Node_UnknownId_ThrowsWorkflowExceptionNamingIt()
    {
        var model = Bpmn.Parse(Bpmn.Around(Bpmn.UserTask));

        var e = Assert.Throws<WorkflowException>(() => model.Node("nope"));
        Assert.Contains("nope", e.Message);
    }

    [Fact]
    public void NoneStartEvent_IsTheScopeEntry()
    {
        var model = Bpmn.Parse(Bpmn.Around(Bpmn.UserTask));

        var start = Assert.IsType<StartEvent>(model.Node("start"));
        Assert.Null(start.Timer);
        Assert.Null(start.MessageName);
        Assert.Same(start, model.Root.NoneStart);
        Assert.Empty(model.TimerStartEvents);
        Assert.Empty(model.MessageStartEvents);
    }

    [Theory]
    [InlineData("timeDuration", "PT5M", TimerKind.Duration)]
    [InlineData("timeDate", "2026-03-01T09:00:00+01:00", TimerKind.Date)]
    [InlineData("timeCycle", "R3/PT10M", TimerKind.Cycle)]
    [InlineData("timeDuration", "${delai}", TimerKind.Duration)]
    public void TimerStartEvent_KeepsKindAndText(string tag, string text, TimerKind kind)
    {
        var model = Bpmn.Parse(Bpmn.Around($"""
            <bpmn:startEvent id="timerStart">
              <bpmn:timerEventDefinition><bpmn:{tag} xsi:type="bpmn:tFormalExpression">{text}</bpmn:{tag}></bpmn:timerEventDefinition>
            </bpmn:startEvent>
            <bpmn:sequenceFlow id="timerFlow" sourceRef="timerStart" targetRef="task" />
            {Bpmn.UserTask}
            """));

        var start = Assert.IsType<StartEvent>(model.Node("timerStart"));
        Assert.Equal(new TimerDefinition(kind, text), start.Timer);
        Assert.Same(start, Assert.Single(model.TimerStartEvents));
        Assert.Same(model.Node("start"), model.Root.NoneStart);
    }

    [Fact]
    public void MessageStartEvent_TakesTheNameOfTheDeclaredMessage()
    {
        var model = Bpmn.Parse(Bpmn.Around("""
            <bpmn:startEvent id="msgStart"><bpmn:messageEventDefinition messageRef="Message_1" /></bpmn:startEvent>
            <bpmn:sequenceFlow id="msgFlow" sourceRef="msgStart" targetRef="task" />
            """ + Bpmn.UserTask, declarations: """<bpmn:message id="Message_1" name="dossier.recu" />"""));

        var start = Assert.IsType<StartEvent>(model.Node("msgStart"));
        Assert.Equal("dossier.recu", start.MessageName);
        Assert.Null(start.Timer);
        Assert.Same(start, Assert.Single(model.MessageStartEvents));
    }

    [Fact]
    public void EndEvents_NoneTerminateAndError()
    {
        var model = Bpmn.Parse(Bpmn.Process("""
            <bpmn:startEvent id="start" />
            <bpmn:parallelGateway id="fork" />
            <bpmn:endEvent id="plain" />
            <bpmn:endEvent id="stop"><bpmn:terminateEventDefinition /></bpmn:endEvent>
            <bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="Error_1" /></bpmn:endEvent>
            <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fork" />
            <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="plain" />
            <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="stop" />
            <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="fail" />
            """, declarations: """<bpmn:error id="Error_1" name="Dossier incomplet" errorCode="DOSSIER_INCOMPLET" />"""));

        var plain = Assert.IsType<EndEvent>(model.Node("plain"));
        Assert.Equal(EndEventKind.None, plain.Kind);
        Assert.Null(plain.ErrorCode);
        Assert.Equal(EndEventKind.Terminate, Assert.IsType<EndEvent>(model.Node("stop")).Kind);
        var fail = Assert.IsType<EndEvent>(model.Node("fail"));
        Assert.Equal(EndEventKind.Error, fail.Kind);
        Assert.Equal("DOSSIER_INCOMPLET", fail.ErrorCode);
    }

    [Fact]
    public void ErrorEndEvent_ErrorWithoutCode_UsesItsName()
    {
        var model = Bpmn.Parse(Bpmn.Around("""<bpmn:endEvent id="task"><bpmn:errorEventDefinition errorRef="Error_2" /></bpmn:endEvent>""",
            declarations: """<bpmn:error id="Error_2" name="REFUS" />""").Replace("""<bpmn:sequenceFlow id="fromNode" sourceRef="task" targetRef="end" />""", ""));

        Assert.Equal("REFUS", Assert.IsType<EndEvent>(model.Node("task")).ErrorCode);
    }

    [Fact]
    public void UserTask_CamundaAttributesAreRead()
    {
        var model = Bpmn.Parse(Bpmn.Around("""
            <bpmn:userTask id="task" name="Valider l'inscription" camunda:assignee="${conseiller}"
                camunda:candidateGroups="conseillers, direction" camunda:candidateUsers="alice,bob"
                camunda:dueDate="P2D" camunda:followUpDate="2026-02-01T09:00:00Z" camunda:priority="70"
                camunda:formKey="inscription-validation" />
            """));

        var task = Assert.IsType<UserTask>(model.Node("task"));
        Assert.Equal("Valider l'inscription", task.Name);
        Assert.Equal("Valider l'inscription", task.DisplayName);
        Assert.Equal("${conseiller}", task.Assignee);
        Assert.Equal("conseillers, direction", task.CandidateGroups);
        Assert.Equal("alice,bob", task.CandidateUsers);
        Assert.Equal("P2D", task.DueDate);
        Assert.Equal("2026-02-01T09:00:00Z", task.FollowUpDate);
        Assert.Equal("70", task.Priority);
        Assert.Equal("inscription-validation", task.FormKey);
        Assert.Empty(task.FormFields);
        Assert.Equal("userTask", task.ElementType);
    }

    [Fact]
    public void UserTask_FormFieldsAreRead()
    {
        var model = Bpmn.Parse(Bpmn.Around("""
            <bpmn:userTask id="task" name="Entretien">
              <bpmn:extensionElements>
                <camunda:formData>
                  <camunda:formField id="nom" label="Nom" type="string">
                    <camunda:validation><camunda:constraint name="required" /></camunda:validation>
                  </camunda:formField>
                  <camunda:formField id="enfants" label="Nombre d'enfants" type="long" defaultValue="0" />
                  <camunda:formField id="rsa" label="Bénéficiaire du RSA" type="boolean">
                    <camunda:validation><camunda:constraint name="required" config="false" /></camunda:validation>
                  </camunda:formField>
                  <camunda:formField id="entree" label="Date d'entrée" type="date" />
                  <camunda:formField id="orientation" label="Orientation" type="enum" defaultValue="emploi">
                    <camunda:validation><camunda:constraint name="required" /></camunda:validation>
                    <camunda:value id="emploi" name="Emploi" />
                    <camunda:value id="formation" name="Formation" />
                    <camunda:value id="social" />
                  </camunda:formField>
                  <camunda:formField id="remarque" />
                </camunda:formData>
              </bpmn:extensionElements>
            </bpmn:userTask>
            """));

        var fields = Assert.IsType<UserTask>(model.Node("task")).FormFields;
        Assert.Equal(["nom", "enfants", "rsa", "entree", "orientation", "remarque"], fields.Select(f => f.Id));
        Assert.Equal(new FormField("nom", "Nom", "string", true, null, []), fields[0] with { Options = [] });
        Assert.Equal(("Nombre d'enfants", "long", false, "0"), (fields[1].Label, fields[1].Type, fields[1].Required, fields[1].DefaultValue));
        Assert.False(fields[2].Required); // config="false" switches the constraint off
        Assert.Equal("date", fields[3].Type);
        var orientation = fields[4];
        Assert.Equal(("enum", true, "emploi"), (orientation.Type, orientation.Required, orientation.DefaultValue));
        Assert.Equal([new FormFieldOption("emploi", "Emploi"), new FormFieldOption("formation", "Formation"), new FormFieldOption("social", "social")],
            orientation.Options);
        Assert.Equal(("string", (string?)null, false), (fields[5].Type, fields[5].Label, fields[5].Required));
    }

    [Fact]
    public void ServiceTask_ExternalTopicAsyncRetryAndParameters()
    {
        var model = Bpmn.Parse(Bpmn.Around("""
            <bpmn:serviceTask id="task" name="Envoyer le courrier" camunda:type="external" camunda:topic="mail.send" camunda:asyncBefore="true">
              <bpmn:extensionElements>
                <camunda:failedJobRetryTimeCycle>R5/PT30S</camunda:failedJobRetryTimeCycle>
                <camunda:inputOutput>
                  <camunda:inputParameter name="to">${participant.email}</camunda:inputParameter>
                  <camunda:inputParameter name="template">bienvenue</camunda:inputParameter>
                  <camunda:inputParameter name="nothing" />
                  <camunda:outputParameter name="mailId">${messageId}</camunda:outputParameter>
                </camunda:inputOutput>
              </bpmn:extensionElements>
            </bpmn:serviceTask>
            """));

        var task = Assert.IsType<ServiceTask>(model.Node("task"));
        Assert.Equal("mail.send", task.Topic);
        Assert.True(task.AsyncBefore);
        Assert.Equal(new RetryCycle(5, TimeSpan.FromSeconds(30)), task.RetryCycle);
        Assert.Equal([new VariableMapping("to", "${participant.email}"), new VariableMapping("template", "bienvenue"), new VariableMapping("nothing", "")],
            task.Inputs);
        Assert.Equal([new VariableMapping("mailId", "${messageId}")], task.Outputs);
    }

    [Fact]
    public void ServiceTask_WithoutAsyncOrRetry_HasDefaults()
    {
        var task = Assert.IsType<ServiceTask>(Bpmn.Parse(Bpmn.Around(Bpmn.ServiceTask)).Node("task"));

        Assert.False(task.AsyncBefore);
        Assert.Null(task.RetryCycle);
        Assert.Empty(task.Inputs);
        Assert.Empty(task.Outputs);
    }

    [Fact]
    public void RetryCycle_InDaysAndHours_IsAddedUp()
    {
        var task = Bpmn.Parse(Bpmn.Around("""
            <bpmn:serviceTask id="task" camunda:type="external" camunda:topic="mail.send" camunda:async="true">
              <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R2/P1DT2H</camunda:failedJobRetryTimeCycle></bpmn:extensionElements>
            </bpmn:serviceTask>
            """)).Node("task");

        Assert.True(task.AsyncBefore); // camunda:async is the old spelling
        Assert.Equal(new RetryCycle(2, TimeSpan.FromHours(26)), task.RetryCycle);
    }

    [Theory]
    [InlineData("exclusiveGateway", GatewayKind.Exclusive)]
    [InlineData("parallelGateway", GatewayKind.Parallel)]
    [InlineData("inclusiveGateway", GatewayKind.Inclusive)]
    public void Gateways_KindAndDefaultFlow(string element, GatewayKind kind)
    {
        var conditional = kind == GatewayKind.Parallel ? "" : "<bpmn:conditionExpression>montant &gt; 100</bpmn:conditionExpression>";
        var @default = kind == GatewayKind.Parallel ? "" : """default="otherwise" """;
        var model = Bpmn.Parse(Bpmn.Process($"""
            <bpmn:startEvent id="start" />
            <bpmn:{element} id="gw" name="Montant ?" {@default}/>
            <bpmn:endEvent id="big" />
            <bpmn:endEvent id="small" />
            <bpmn:sequenceFlow id="in" sourceRef="start" targetRef="gw" />
            <bpmn:sequenceFlow id="high" sourceRef="gw" targetRef="big">{conditional}</bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="otherwise" sourceRef="gw" targetRef="small" />
            """));

        var gateway = Assert.IsType<Gateway>(model.Node("gw"));
        Assert.Equal(kind, gateway.Kind);
        Assert.Equal(element, gateway.ElementType);
        Assert.Equal(kind == GatewayKind.Parallel ? null : "otherwise", gateway.DefaultFlowId);
        Assert.Equal(["high", "otherwise"], gateway.Outgoing.Select(f => f.Id));
    }

    [Fact]
    public void Condition_JavaScriptWithLanguage_IsKeptAsIs()
    {
        var model = Bpmn.Parse(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:endEvent id="refused" />
            <bpmn:sequenceFlow id="cond" sourceRef="task" targetRef="refused">
              <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">decision === 'refus' &amp;&amp; age &lt; 26</bpmn:conditionExpression>
            </bpmn:sequenceFlow>
            """));

        var condition = model.Flows["cond"].Condition;
        Assert.Equal(new Expression("decision === 'refus' && age < 26"), condition);
        Assert.True(ScriptEvaluator.EvaluateCondition(condition!.Source,
            new Dictionary<string, JsonNode?> { ["decision"] = "refus", ["age"] = 20 }));
    }

    [Fact]
    public void Condition_JuelExpression_IsTranslatedToJavaScript()
    {
        var model = Bpmn.Parse(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:endEvent id="other" />
            <bpmn:sequenceFlow id="cond" sourceRef="task" targetRef="other">
              <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${"{"}a > 1 and not b{"}"}</bpmn:conditionExpression>
            </bpmn:sequenceFlow>
            """));

        var condition = model.Flows["cond"].Condition!;
        Assert.Equal("a > 1 && ! b", condition.Source);
        Assert.True(ScriptEvaluator.EvaluateCondition(condition.Source, new Dictionary<string, JsonNode?> { ["a"] = 2, ["b"] = false }));
        Assert.False(ScriptEvaluator.EvaluateCondition(condition.Source, new Dictionary<string, JsonNode?> { ["a"] = 2, ["b"] = true }));
    }

    [Fact]
    public void IntermediateCatchEvents_TimerAndMessage()
    {
        var model = Bpmn.Parse(Bpmn.Process("""
            <bpmn:startEvent id="start" />
            <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            <bpmn:intermediateCatchEvent id="reply"><bpmn:messageEventDefinition messageRef="Msg_Reponse" /></bpmn:intermediateCatchEvent>
            <bpmn:endEvent id="end" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
            <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="reply" />
            <bpmn:sequenceFlow id="f3" sourceRef="reply" targetRef="end" />
            """, declarations: """<bpmn:message id="Msg_Reponse" name="reponse.recue" />"""));

        var wait = Assert.IsType<IntermediateCatchEvent>(model.Node("wait"));
        Assert.Equal(new TimerDefinition(TimerKind.Duration, "P3D"), wait.Timer);
        Assert.Null(wait.MessageName);
        var reply = Assert.IsType<IntermediateCatchEvent>(model.Node("reply"));
        Assert.Equal("reponse.recue", reply.MessageName);
        Assert.Null(reply.Timer);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("""cancelActivity="true" """, true)]
    [InlineData("""cancelActivity="false" """, false)]
    public void BoundaryTimer_InterruptingOrNot(string cancelAttribute, bool interrupting)
    {
        var model = Bpmn.Parse(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:boundaryEvent id="late" name="Relance" attachedToRef="task" {cancelAttribute}>
              <bpmn:timerEventDefinition><bpmn:timeDuration>P7D</bpmn:timeDuration></bpmn:timerEventDefinition>
            </bpmn:boundaryEvent>
            <bpmn:endEvent id="lateEnd" />
            <bpmn:sequenceFlow id="lateFlow" sourceRef="late" targetRef="lateEnd" />
            """));

        var boundary = Assert.IsType<BoundaryEvent>(model.Node("late"));
        var task = model.Node("task");
        Assert.Same(task, boundary.AttachedTo);
        Assert.Same(boundary, Assert.Single(task.Boundaries));
        Assert.Equal(interrupting, boundary.CancelActivity);
        Assert.Equal(new TimerDefinition(TimerKind.Duration, "P7D"), boundary.Timer);
        Assert.False(boundary.IsError);
        Assert.Same(task.Scope, boundary.Scope);
        Assert.Equal(["lateFlow"], boundary.Outgoing.Select(f => f.Id));
    }

    [Fact]
    public void BoundaryError_WithErrorRef_CatchesThatCode()
    {
        var model = Bpmn.Parse(Bpmn.Around($"""
            {Bpmn.ServiceTask}
            <bpmn:boundaryEvent id="dup" attachedToRef="task"><bpmn:errorEventDefinition errorRef="Err_Doublon" /></bpmn:boundaryEvent>
            <bpmn:endEvent id="dupEnd" />
            <bpmn:sequenceFlow id="dupFlow" sourceRef="dup" targetRef="dupEnd" />
            """, declarations: """<bpmn:error id="Err_Doublon" errorCode="DOUBLON" />"""));

        var boundary = Assert.IsType<BoundaryEvent>(model.Node("dup"));
        Assert.True(boundary.IsError);
        Assert.Equal("DOUBLON", boundary.ErrorCode);
        Assert.True(boundary.CancelActivity);
        Assert.Null(boundary.Timer);
    }

    [Fact]
    public void BoundaryError_WithoutErrorRef_CatchesEveryError()
    {
        var model = Bpmn.Parse(Bpmn.Around($"""
            {Bpmn.ServiceTask}
            <bpmn:boundaryEvent id="any" attachedToRef="task"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
            <bpmn:endEvent id="anyEnd" />
            <bpmn:sequenceFlow id="anyFlow" sourceRef="any" targetRef="anyEnd" />
            """));

        var boundary = Assert.IsType<BoundaryEvent>(model.Node("any"));
        Assert.True(boundary.IsError);
        Assert.Null(boundary.ErrorCode);
    }

    [Fact]
    public void SubProcess_InnerNodesBelongToItsBody()
    {
        var model = Bpmn.Parse(Bpmn.Around("""
            <bpmn:subProcess id="task" name="Accompagnement">
              <bpmn:startEvent id="subStart" />
              <bpmn:userTask id="meet" name="Entretien" />
              <bpmn:endEvent id="subEnd" />
              <bpmn:sequenceFlow id="s1" sourceRef="subStart" targetRef="meet" />
              <bpmn:sequenceFlow id="s2" sourceRef="meet" targetRef="subEnd" />
            </bpmn:subProcess>
            """));

        var sub = Assert.IsType<SubProcess>(model.Node("task"));
        Assert.Null(sub.Scope.Owner);
        Assert.Same(sub, sub.Body.Owner);
        Assert.Equal(["subStart", "meet", "subEnd"], sub.Body.Nodes.Select(n => n.Id));
        Assert.All(sub.Body.Nodes, n => Assert.Same(sub, n.Scope.Owner));
        Assert.Same(model.Node("subStart"), sub.Body.NoneStart);
        Assert.DoesNotContain(model.Root.Nodes, n => n.Id == "meet");
        Assert.Same(sub.Body, model.Flows["s1"].Source.Scope);
    }

    [Fact]
    public void BoundaryOnSubProcess_LivesInTheOuterScope()
    {
        var model = Bpmn.Parse(Bpmn.Around("""
            <bpmn:subProcess id="task">
              <bpmn:startEvent id="subStart" />
              <bpmn:endEvent id="subEnd" />
              <bpmn:sequenceFlow id="s1" sourceRef="subStart" targetRef="subEnd" />
            </bpmn:subProcess>
            <bpmn:boundaryEvent id="deadline" attachedToRef="task"><bpmn:timerEventDefinition><bpmn:timeDate>2026-06-30T18:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="d1" sourceRef="deadline" targetRef="end" />
            """));

        var boundary = model.Node("deadline");
        Assert.Same(model.Root, boundary.Scope);
        Assert.Contains(boundary, model.Root.Nodes);
    }

    [Fact]
    public void CallActivity_CalledElementAndVariableMappings()
    {
        var model = Bpmn.Parse(Bpmn.Around("""
            <bpmn:callActivity id="task" name="Orientation" calledElement="orientation">
              <bpmn:extensionElements>
                <camunda:in source="participantId" target="id" />
                <camunda:in sourceExpression="${commune.code}" target="codeCommune" />
                <camunda:out source="decision" target="orientationDecision" />
                <camunda:out variables="all" />
              </bpmn:extensionElements>
            </bpmn:callActivity>
            """));

        var call = Assert.IsType<CallActivity>(model.Node("task"));
        Assert.Equal("orientation", call.CalledElement);
        Assert.Equal([("participantId", "id"), ("${commune.code}", "codeCommune")], call.In);
        Assert.False(call.InAll);
        Assert.Equal([("decision", "orientationDecision")], call.Out);
        Assert.True(call.OutAll);
    }

    [Fact]
    public void CallActivity_InAll()
    {
        var call = Assert.IsType<CallActivity>(Bpmn.Parse(Bpmn.Around("""
            <bpmn:callActivity id="task" calledElement="orientation">
              <bpmn:extensionElements><camunda:in variables="all" /></bpmn:extensionElements>
            </bpmn:callActivity>
            """)).Node("task"));

        Assert.True(call.InAll);
        Assert.Empty(call.In);
        Assert.False(call.OutAll);
    }

    [Fact]
    public void MultiInstance_CollectionElementVariableAndCompletion()
    {
        var model = Bpmn.Parse(Bpmn.Around("""
            <bpmn:userTask id="task" name="Avis">
              <bpmn:multiInstanceLoopCharacteristics isSequential="true" camunda:collection="${referents}" camunda:elementVariable="referent">
                <bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${nrOfCompletedInstances ge 2}</bpmn:completionCondition>
              </bpmn:multiInstanceLoopCharacteristics>
            </bpmn:userTask>
            """));

        var mi = model.Node("task").MultiInstance!;
        Assert.True(mi.IsSequential);
        Assert.Equal("${referents}", mi.Collection);
        Assert.Equal("referent", mi.ElementVariable);
        Assert.Null(mi.LoopCardinality);
        Assert.Equal(new Expression("nrOfCompletedInstances >= 2"), mi.CompletionCondition);
    }

    [Fact]
    public void MultiInstance_LoopCardinalityInParallel()
    {
        var model = Bpmn.Parse(Bpmn.Around("""
            <bpmn:serviceTask id="task" camunda:type="external" camunda:topic="document.generate">
              <bpmn:multiInstanceLoopCharacteristics>
                <bpmn:loopCardinality xsi:type="bpmn:tFormalExpression"> 3 </bpmn:loopCardinality>
              </bpmn:multiInstanceLoopCharacteristics>
            </bpmn:serviceTask>
            """));

        var mi = model.Node("task").MultiInstance!;
        Assert.False(mi.IsSequential);
        Assert.Equal("3", mi.LoopCardinality);
        Assert.Null(mi.Collection);
        Assert.Null(mi.CompletionCondition);
    }

    [Fact]
    public void ForeignElementsAndDiagramsAreIgnored()
    {
        var xml = Bpmn.Around(Bpmn.UserTask + """
            <bpmn:documentation>Notes</bpmn:documentation>
            <bpmn:textAnnotation id="note"><bpmn:text>à revoir</bpmn:text></bpmn:textAnnotation>
            <bpmn:association id="assoc" sourceRef="task" targetRef="note" />
            <bpmn:laneSet id="lanes"><bpmn:lane id="lane1" /></bpmn:laneSet>
            <other:thing xmlns:other="urn:other" id="x" />
            """).Replace("</bpmn:definitions>", """
            <bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="proc" /></bpmndi:BPMNDiagram>
            </bpmn:definitions>
            """);

        Assert.Equal(3, Bpmn.Parse(xml).Nodes.Count);
    }

    [Fact]
    public void TheIntakeWorkflowOfTheRepository_Parses()
    {
        var path = Path.Combine(RepositoryRoot(), "workflows", "intake.bpmn");
        var model = Bpmn.Parse(File.ReadAllText(path));

        Assert.Equal("intake", model.Id);
        Assert.NotNull(model.Root.NoneStart);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Plie.sln"))) return dir.FullName;
        throw new InvalidOperationException("Plie.sln introuvable.");
    }
}
