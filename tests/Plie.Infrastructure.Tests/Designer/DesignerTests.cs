using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Plie.Application.Common;
using Plie.Application.Designer;
using Plie.Application.Designer.Compare;
using Plie.Application.Designer.Drafts;
using Plie.Application.Designer.ListProcesses;
using Plie.Application.Designer.Publish;
using Plie.Application.Workflow.ValidateDefinition;
using Plie.Testing;
using Plie.Workflow;
using Plie.Workflow.Runtime;
using Plie.Workflow.Runtime.DryRun;

namespace Plie.Infrastructure.Tests.Designer;

/// <summary>The procedures' manager's use cases on PostgreSQL: drafts, validate, publish, compare, dry run.</summary>
public sealed class DesignerTests : IAsyncLifetime
{
    private readonly TestUser _user = new();
    private EngineHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await EngineHost.StartAsync(configure: s => s.AddScoped<ICurrentUser>(_ => _user));
        _user.As("gestionnaire", null, PlieRoles.GestionnaireProcedures);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<T> Send<T>(IMessage message)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return (T)(await scope.ServiceProvider.GetRequiredService<ISender>().Send(message))!;
    }

    /// <summary>Start → « Accueil » (user task) → gateway on <c>ok</c> → « Suite » or « Refus » → end.</summary>
    private static string Model(string key = "demande", string extraTask = "", string firstFlowTarget = "Task_Accueil") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">
          <bpmn:process id="{key}" name="Demande d'aide" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="{firstFlowTarget}" />
            {extraTask}
            <bpmn:userTask id="Task_Accueil" name="Accueil" camunda:candidateGroups="conseiller">
              <bpmn:extensionElements><camunda:formData>
                <camunda:formField id="ok" label="Recevable" type="boolean" />
              </camunda:formData></bpmn:extensionElements>
            </bpmn:userTask>
            <bpmn:sequenceFlow id="F2" sourceRef="Task_Accueil" targetRef="Gw" />
            <bpmn:exclusiveGateway id="Gw" name="Recevable ?" default="F_Non" />
            <bpmn:sequenceFlow id="F_Oui" name="Oui" sourceRef="Gw" targetRef="Task_Suite">
              <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{"${ok}"}</bpmn:conditionExpression>
            </bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="F_Non" name="Non" sourceRef="Gw" targetRef="Task_Refus" />
            <bpmn:userTask id="Task_Suite" name="Suite" camunda:candidateGroups="conseiller" />
            <bpmn:userTask id="Task_Refus" name="Refus" camunda:candidateGroups="conseiller" />
            <bpmn:sequenceFlow id="F3" sourceRef="Task_Suite" targetRef="End" />
            <bpmn:sequenceFlow id="F4" sourceRef="Task_Refus" targetRef="End" />
            <bpmn:endEvent id="End" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>The same model with « Pré-accueil » (two form fields) inserted before « Accueil ».</summary>
    private static string ModelWithPreIntake(string key = "demande") => Model(key, """
        <bpmn:userTask id="Task_Pre" name="Pré-accueil" camunda:candidateGroups="conseiller">
          <bpmn:extensionElements><camunda:formData>
            <camunda:formField id="motif" label="Motif" type="string" />
            <camunda:formField id="urgent" label="Urgent" type="boolean" />
          </camunda:formData></bpmn:extensionElements>
        </bpmn:userTask>
        <bpmn:sequenceFlow id="F_Pre" sourceRef="Task_Pre" targetRef="Task_Accueil" />
        """, firstFlowTarget: "Task_Pre");

    [Fact]
    public async Task A_draft_is_kept_even_when_invalid_but_not_when_it_is_not_xml_and_is_listed_with_its_author()
    {
        await Send<DraftSaved>(new SaveDraftCommand("demande", "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><bpmn:process id=\"demande\" /></bpmn:definitions>"));
        var draft = await Send<DesignerModel>(new GetDraftQuery("demande"));
        Assert.True(draft.IsDraft);
        Assert.Equal("gestionnaire", draft.SavedBy);

        var notXml = await Assert.ThrowsAsync<FluentValidation.ValidationException>(() => Send<DraftSaved>(new SaveDraftCommand("demande", "ceci n'est pas du XML")));
        Assert.Contains("n'est pas un document XML lisible", notXml.Message);

        var validation = await Send<DefinitionValidation>(new ValidateDraftQuery("demande"));
        Assert.False(validation.Valid);

        var list = await Send<IReadOnlyList<ProcessSummary>>(new ListProcessesQuery());
        var summary = Assert.Single(list, p => p.Key == "demande");
        Assert.Null(summary.LatestVersion);
        Assert.Equal("gestionnaire", summary.Draft?.SavedBy);

        await Send<bool>(new DiscardDraftCommand("demande"));
        await Assert.ThrowsAsync<NotFoundException>(() => Send<DesignerModel>(new GetDraftQuery("demande")));
    }

    [Fact]
    public async Task A_manager_cannot_overwrite_or_publish_a_draft_saved_by_someone_else_since_they_opened_it()
    {
        await Send<DraftSaved>(new SaveDraftCommand("demande", Model()));
        await Send<Published>(new PublishDraftCommand("demande"));
        var opened = await Send<DesignerModel>(new GetDraftQuery("demande")); // v1, no draft: revision 0
        Assert.Equal((false, 0), (opened.IsDraft, opened.Revision));

        _user.As("collegue", null, PlieRoles.GestionnaireProcedures);
        var theirs = await Send<DraftSaved>(new SaveDraftCommand("demande", ModelWithPreIntake(), opened.Revision));
        Assert.Equal(1, theirs.Revision);

        _user.As("gestionnaire", null, PlieRoles.GestionnaireProcedures);
        var refused = await Assert.ThrowsAsync<WorkflowConflictException>(() =>
            Send<DraftSaved>(new SaveDraftCommand("demande", Model().Replace("Accueil", "Accueil modifié"), opened.Revision)));
        Assert.Contains("collegue a enregistré ce brouillon le", refused.Message);
        await Assert.ThrowsAsync<WorkflowConflictException>(() => Send<Published>(new PublishDraftCommand("demande", opened.Revision)));
        var kept = await Send<DesignerModel>(new GetDraftQuery("demande"));
        Assert.Equal(("collegue", 1), (kept.SavedBy, kept.Revision));
        Assert.Contains("Pré-accueil", kept.Xml);

        // With the revision they now see, their own saves and the publication go through.
        var mine = await Send<DraftSaved>(new SaveDraftCommand("demande", kept.Xml.Replace("Pré-accueil", "Pré-accueil relu"), kept.Revision));
        Assert.Equal(2, mine.Revision);
        Assert.Equal(2, (await Send<Published>(new PublishDraftCommand("demande", mine.Revision))).Version);
        // Published: the draft is gone, and a save still based on it is refused.
        var gone = await Assert.ThrowsAsync<WorkflowConflictException>(() =>
            Send<DraftSaved>(new SaveDraftCommand("demande", Model(), mine.Revision)));
        Assert.Contains("publié ou abandonné", gone.Message);
    }

    [Fact]
    public async Task Publishing_creates_version_two_for_new_cases_while_a_running_case_keeps_version_one()
    {
        await Send<DraftSaved>(new SaveDraftCommand("demande", Model()));
        var v1 = await Send<Published>(new PublishDraftCommand("demande"));
        Assert.Equal((1, true), (v1.Version, v1.Created));
        var before = await _host.StartAsync("demande");

        await Send<DraftSaved>(new SaveDraftCommand("demande", ModelWithPreIntake()));
        var draft = await Send<DesignerModel>(new GetDraftQuery("demande"));
        Assert.Equal(1, draft.Version); // based on v1
        var v2 = await Send<Published>(new PublishDraftCommand("demande"));
        Assert.Equal((2, true), (v2.Version, v2.Created));
        Assert.False(await _host.Db(db => db.ProcessDrafts.AnyAsync()));

        var after = await _host.StartAsync("demande");
        Assert.Equal("Task_Pre", Assert.Single(await _host.OpenTasksAsync(after.Id)).ElementId);
        Assert.Equal(2, (await _host.InstanceAsync(after.Id)).DefinitionVersion);
        Assert.Equal("Task_Accueil", Assert.Single(await _host.OpenTasksAsync(before.Id)).ElementId);
        Assert.Equal(1, (await _host.InstanceAsync(before.Id)).DefinitionVersion);

        var list = await Send<IReadOnlyList<ProcessSummary>>(new ListProcessesQuery());
        var summary = Assert.Single(list, p => p.Key == "demande");
        Assert.Equal(2, summary.LatestVersion);
        Assert.Equal([(2, 1), (1, 1)], summary.Versions.Select(v => (v.Version, v.RunningInstances)));
        Assert.All(summary.Versions, v => Assert.Equal("gestionnaire", v.DeployedBy));

        // Unchanged: no version 3.
        await Send<DraftSaved>(new SaveDraftCommand("demande", ModelWithPreIntake()));
        var same = await Send<Published>(new PublishDraftCommand("demande"));
        Assert.Equal((2, false), (same.Version, same.Created));

        var history = await Send<IReadOnlyList<Publication>>(new ListPublicationsQuery("demande"));
        Assert.Equal([2, 1], history.Where(p => p.Action == "published").Select(p => p.Version!.Value));
    }

    [Fact]
    public async Task An_invalid_draft_is_refused_at_publish_with_the_element_in_error_and_nothing_is_deployed()
    {
        var broken = Model().Replace("<bpmn:sequenceFlow id=\"F_Non\" name=\"Non\" sourceRef=\"Gw\" targetRef=\"Task_Refus\" />", "")
            .Replace(" default=\"F_Non\"", "").Replace("<bpmn:sequenceFlow id=\"F_Oui\"", "<bpmn:sequenceFlow id=\"F_Oui_x\"")
            .Replace("sourceRef=\"Gw\" targetRef=\"Task_Suite\"", "sourceRef=\"Task_Refus\" targetRef=\"Task_Suite\"");
        await Send<DraftSaved>(new SaveDraftCommand("demande", broken));
        var refused = await Assert.ThrowsAsync<WorkflowValidationException>(() => Send<Published>(new PublishDraftCommand("demande")));
        Assert.Contains(refused.Errors, e => e.ElementId == "Gw");
        Assert.False(await _host.Db(db => db.ProcessDefinitions.AnyAsync(d => d.Key == "demande")));
        Assert.True(await _host.Db(db => db.ProcessDrafts.AnyAsync(d => d.Key == "demande")));

        // A draft whose process id is not its key cannot be published either.
        await Send<DraftSaved>(new SaveDraftCommand("demande", Model("autre")));
        var renamed = await Assert.ThrowsAsync<WorkflowValidationException>(() => Send<Published>(new PublishDraftCommand("demande")));
        Assert.Contains(renamed.Errors, e => e.Message.Contains("doit rester « demande »"));
    }

    [Fact]
    public async Task The_comparison_names_added_removed_and_changed_elements_with_what_changed()
    {
        await Send<DraftSaved>(new SaveDraftCommand("demande", Model()));
        await Send<Published>(new PublishDraftCommand("demande"));
        var changed = ModelWithPreIntake()
            .Replace("<bpmn:userTask id=\"Task_Refus\" name=\"Refus\" camunda:candidateGroups=\"conseiller\" />", "")
            .Replace("<bpmn:sequenceFlow id=\"F4\" sourceRef=\"Task_Refus\" targetRef=\"End\" />", "")
            .Replace("targetRef=\"Task_Refus\"", "targetRef=\"End\"")
            .Replace("<bpmn:userTask id=\"Task_Suite\" name=\"Suite\" camunda:candidateGroups=\"conseiller\" />",
                "<bpmn:userTask id=\"Task_Suite\" name=\"Suite du dossier\" camunda:candidateGroups=\"responsable-accompagnement\" camunda:dueDate=\"P5D\" />");
        await Send<DraftSaved>(new SaveDraftCommand("demande", changed));

        var diff = await Send<ModelComparison>(new CompareVersionsQuery("demande", 1, null));
        Assert.Equal(ElementChangeKind.Added, diff.Changes.Single(c => c.ElementId == "Task_Pre").Kind);
        Assert.Equal(ElementChangeKind.Removed, diff.Changes.Single(c => c.ElementId == "Task_Refus").Kind);
        var suite = diff.Changes.Single(c => c.ElementId == "Task_Suite");
        Assert.Equal(ElementChangeKind.Changed, suite.Kind);
        Assert.Contains(new PropertyChange("name", "Suite", "Suite du dossier"), suite.Changes);
        Assert.Contains(new PropertyChange("camunda:candidateGroups", "conseiller", "responsable-accompagnement"), suite.Changes);
        Assert.Contains(new PropertyChange("camunda:dueDate", null, "P5D"), suite.Changes);
        Assert.Contains(diff.Changes.Single(c => c.ElementId == "F1").Changes, p => p is { Property: "targetRef", Before: "Task_Accueil", After: "Task_Pre" });
        Assert.DoesNotContain(diff.Changes, c => c.ElementId is "Task_Accueil" or "Gw");

        await Assert.ThrowsAsync<NotFoundException>(() => Send<ModelComparison>(new CompareVersionsQuery("demande", 1, 7)));
    }

    [Fact]
    public async Task A_dry_run_goes_through_the_gateway_and_user_tasks_without_writing_a_single_row()
    {
        var rowsBefore = await CountRowsAsync();
        var session = await _host.Services.GetRequiredService<DryRunFactory>().CreateAsync(ModelWithPreIntake());

        await session.StartAsync(new Dictionary<string, object?>());
        var pre = Assert.Single(session.OpenTasks);
        Assert.Equal(["motif", "urgent"], pre.FormFields.Select(f => f.Id));
        Assert.Equal(["Start"], session.CompletedElements.Where(e => !e.StartsWith('F')));
        Assert.Equal(["Task_Pre"], session.ActiveElements);

        await session.CompleteTaskAsync(pre.Id, new Dictionary<string, object?> { ["motif"] = "Déménagement", ["urgent"] = true });
        var accueil = Assert.Single(session.OpenTasks);
        Assert.Equal("Task_Accueil", accueil.ElementId);
        await session.CompleteTaskAsync(accueil.Id, new Dictionary<string, object?> { ["ok"] = false });

        Assert.Equal("Task_Refus", Assert.Single(session.OpenTasks).ElementId);
        var decision = Assert.Single(session.GatewayDecisions());
        Assert.Equal(("Gw", "F_Non"), (decision.GatewayId, Assert.Single(decision.FlowIds)));
        Assert.Contains("F_Non", session.CompletedElements);
        Assert.DoesNotContain("F_Oui", session.CompletedElements);
        Assert.Equal("Déménagement", (string?)session.Variables["motif"]);

        await session.CompleteTaskAsync(session.OpenTasks[0].Id, new Dictionary<string, object?>());
        Assert.Equal(InstanceState.Completed, session.State);
        Assert.Equal(rowsBefore, await CountRowsAsync());

        // A second session takes the other way.
        var other = await _host.Services.GetRequiredService<DryRunFactory>().CreateAsync(Model());
        await other.StartAsync(new Dictionary<string, object?>());
        await other.CompleteTaskAsync(other.OpenTasks[0].Id, new Dictionary<string, object?> { ["ok"] = true });
        Assert.Equal("Task_Suite", Assert.Single(other.OpenTasks).ElementId);
        Assert.Equal("F_Oui", Assert.Single(Assert.Single(other.GatewayDecisions()).FlowIds));
        Assert.Equal(rowsBefore, await CountRowsAsync());
    }

    [Fact]
    public async Task A_dry_run_records_what_a_service_task_would_call_and_uses_the_typed_outputs()
    {
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                              xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">
              <bpmn:process id="controle" isExecutable="true">
                <bpmn:startEvent id="Start" />
                <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Check" />
                <bpmn:serviceTask id="Check" name="Contrôle" camunda:asyncBefore="true" camunda:type="external" camunda:topic="intake.check-eligibility" />
                <bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="Gw" />
                <bpmn:exclusiveGateway id="Gw" default="F_Non" />
                <bpmn:sequenceFlow id="F_Oui" sourceRef="Gw" targetRef="Ok"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${eligible}</bpmn:conditionExpression></bpmn:sequenceFlow>
                <bpmn:sequenceFlow id="F_Non" sourceRef="Gw" targetRef="Ko" />
                <bpmn:userTask id="Ok" name="Éligible" />
                <bpmn:userTask id="Ko" name="Non éligible" />
              </bpmn:process>
            </bpmn:definitions>
            """;
        var rowsBefore = await CountRowsAsync();
        var session = await _host.Services.GetRequiredService<DryRunFactory>().CreateAsync(xml);
        session.ServiceOutputs["intake.check-eligibility"] = new System.Text.Json.Nodes.JsonObject { ["eligible"] = true };
        await session.StartAsync(new Dictionary<string, object?> { ["participantId"] = Guid.Empty.ToString() });

        var call = Assert.Single(session.ServiceCalls);
        Assert.Equal(("Check", "intake.check-eligibility"), (call.ElementId, call.Topic));
        Assert.Contains("participantId", call.Inputs);
        Assert.Equal("Ok", Assert.Single(session.OpenTasks).ElementId);
        Assert.Equal(rowsBefore, await CountRowsAsync());
    }

    [Fact]
    public async Task A_dry_run_follows_a_call_activity_into_the_published_process_and_back()
    {
        // « verification » is published; the draft of « dossier » calls it, passing « montant » in and « avis » out.
        await Send<DraftSaved>(new SaveDraftCommand("verification", """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="V" targetNamespace="t">
              <bpmn:process id="verification" name="Vérification" isExecutable="true">
                <bpmn:startEvent id="VStart" />
                <bpmn:sequenceFlow id="V1" sourceRef="VStart" targetRef="Task_Verifier" />
                <bpmn:userTask id="Task_Verifier" name="Vérifier le montant" camunda:candidateGroups="statistiques">
                  <bpmn:extensionElements><camunda:formData><camunda:formField id="avis" label="Avis" type="string" /></camunda:formData></bpmn:extensionElements>
                </bpmn:userTask>
                <bpmn:sequenceFlow id="V2" sourceRef="Task_Verifier" targetRef="VEnd" />
                <bpmn:endEvent id="VEnd" />
              </bpmn:process>
            </bpmn:definitions>
            """));
        await Send<Published>(new PublishDraftCommand("verification"));
        var draft = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
              <bpmn:process id="dossier" name="Dossier" isExecutable="true">
                <bpmn:startEvent id="Start" />
                <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
                <bpmn:callActivity id="Call" name="Faire vérifier" calledElement="verification">
                  <bpmn:extensionElements>
                    <camunda:in source="montant" target="montant" />
                    <camunda:out source="avis" target="avis" />
                  </bpmn:extensionElements>
                </bpmn:callActivity>
                <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="Task_Suite" />
                <bpmn:userTask id="Task_Suite" name="Suite" />
                <bpmn:sequenceFlow id="F3" sourceRef="Task_Suite" targetRef="End" />
                <bpmn:endEvent id="End" />
              </bpmn:process>
            </bpmn:definitions>
            """;
        var rowsBefore = await CountRowsAsync();
        var session = await _host.Services.GetRequiredService<DryRunFactory>().CreateAsync(draft);
        await session.StartAsync(new Dictionary<string, object?> { ["montant"] = 120 });

        var verifier = Assert.Single(session.OpenTasks);
        Assert.Equal(("Task_Verifier", "Vérification", "avis"), (verifier.ElementId, verifier.CalledProcess, Assert.Single(verifier.FormFields).Id));
        Assert.Equal(["Call"], session.ActiveElements);
        Assert.Contains(session.Log, e => e.ElementName == "Vérifier le montant (Vérification)");

        await session.CompleteTaskAsync(verifier.Id, new Dictionary<string, object?> { ["avis"] = "conforme" });
        var suite = Assert.Single(session.OpenTasks);
        Assert.Equal("Task_Suite", suite.ElementId);
        Assert.Null(suite.CalledProcess);
        Assert.Equal("conforme", (string?)session.Variables["avis"]);
        Assert.Contains("Call", session.CompletedElements);
        Assert.Equal(rowsBefore, await CountRowsAsync());
    }

    /// <summary>Rows of every engine and participant table.</summary>
    private Task<long> CountRowsAsync() => _host.Db(async db =>
        await db.ProcessDefinitions.LongCountAsync() + await db.ProcessInstances.LongCountAsync() + await db.Executions.LongCountAsync()
        + await db.Variables.LongCountAsync() + await db.UserTasks.LongCountAsync() + await db.Jobs.LongCountAsync()
        + await db.HistoryEvents.LongCountAsync() + await db.MessageSubscriptions.LongCountAsync() + await db.Incidents.LongCountAsync()
        + await db.Participants.LongCountAsync() + await db.AuditEntries.LongCountAsync());
}
