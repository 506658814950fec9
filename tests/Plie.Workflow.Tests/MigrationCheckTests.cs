using Plie.Workflow.Model;
using Plie.Workflow.Parsing;
using Plie.Workflow.Runtime;

namespace Plie.Workflow.Tests;

/// <summary>What a running case may keep when it moves to another version: the rows that wait somewhere.</summary>
public sealed class MigrationCheckTests
{
    private static ProcessModel Model(string nodeXml, string nodeId = "task", string declarations = "") =>
        BpmnParser.Parse(Bpmn.Around(nodeXml, nodeId, declarations)).Model ?? throw new InvalidOperationException("modèle illisible");

    private static ExecutionRecord At(string activity, ExecutionState state = ExecutionState.Waiting) =>
        new() { Id = Guid.NewGuid(), ActivityId = activity, State = state };

    private static List<string> Check(ProcessModel from, ProcessModel to, ExecutionRecord[]? executions = null,
        JobRecord[]? jobs = null, MessageSubscriptionRecord[]? subscriptions = null) =>
        MigrationCheck.Problems(from, to, 2, executions ?? [], [], jobs ?? [], subscriptions ?? []);

    private const string Messages = """<bpmn:message id="m1" name="pieces-recues" /><bpmn:message id="m2" name="autre" />""";

    [Fact]
    public void A_token_at_an_element_of_the_same_type_in_the_same_place_can_move()
    {
        var from = Model("""<bpmn:userTask id="task" name="Examiner" />""");
        var to = Model("""<bpmn:userTask id="task" name="Examiner le dossier" camunda:candidateGroups="conseiller" />""");

        Assert.Empty(Check(from, to, [At("task")]));
    }

    [Fact]
    public void An_element_that_changed_type_is_named_with_both_types()
    {
        var from = Model("""<bpmn:userTask id="task" name="Examiner" />""");
        var to = Model("""<bpmn:serviceTask id="task" camunda:type="external" camunda:topic="t" />""");

        var problem = Assert.Single(Check(from, to, [At("task")]));
        Assert.Equal("l'élément « Examiner » (task) est un(e) userTask ici mais un(e) serviceTask dans la version 2", problem);
    }

    [Fact]
    public void A_message_wait_must_still_wait_for_the_same_message()
    {
        var from = Model("""<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:intermediateCatchEvent>""", "wait", Messages);
        var to = Model("""<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m2" /></bpmn:intermediateCatchEvent>""", "wait", Messages);
        var subscription = new MessageSubscriptionRecord { MessageName = "pieces-recues", ElementId = "wait" };

        var problem = Assert.Single(Check(from, to, [At("wait")], subscriptions: [subscription]));
        Assert.Contains("n'attend plus le message « pieces-recues »", problem);
        Assert.Empty(Check(from, from, [At("wait")], subscriptions: [subscription]));
    }

    [Fact]
    public void A_timer_job_needs_its_timer_in_the_target()
    {
        var from = Model("""<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>""", "wait", Messages);
        var to = Model("""<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:intermediateCatchEvent>""", "wait", Messages);
        var job = new JobRecord { Kind = JobKind.IntermediateTimer, ElementId = "wait" };

        var problem = Assert.Single(Check(from, to, [At("wait")], jobs: [job]));
        Assert.Contains("la minuterie « wait » n'est plus la même", problem);
    }

    [Fact]
    public void A_multi_instance_token_needs_a_multi_instance_activity()
    {
        var from = Model("""<bpmn:userTask id="task"><bpmn:multiInstanceLoopCharacteristics camunda:collection="items" camunda:elementVariable="item" /></bpmn:userTask>""");
        var to = Model("""<bpmn:userTask id="task" />""");
        var root = At("task");
        root.IsMultiInstanceRoot = true;

        var problem = Assert.Single(Check(from, to, [root]));
        Assert.Contains("n'est plus multi-instance", problem);
    }
}
