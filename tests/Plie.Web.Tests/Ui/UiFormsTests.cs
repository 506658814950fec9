using System.Text;
using System.Text.Json.Nodes;
using Plie.Application.Workflow.CompleteTask;
using Plie.Application.Workflow.GetInstance;
using Plie.Application.Workflow.GetTask;
using Plie.Application.Workflow.QueryTasks;
using Plie.Application.Workflow.StartInstance;
using Plie.Web.Components.Shared;
using Plie.Web.Components.Tasks;
using Plie.Workflow;

namespace Plie.Web.Tests.Ui;

/// <summary>The generated form of a task a manager adds in the designer, and how the screens word the use cases' errors.</summary>
public sealed class UiFormsTests : UiTestBase
{
    private const string Model = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="test">
          <bpmn:process id="ui-form" name="Point d'étape" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="point" />
            <bpmn:userTask id="point" name="Point d'étape mensuel" camunda:candidateGroups="conseiller">
              <bpmn:extensionElements>
                <camunda:formData>
                  <camunda:formField id="resume" label="Résumé" type="string">
                    <camunda:validation><camunda:constraint name="required" /></camunda:validation>
                  </camunda:formField>
                  <camunda:formField id="heures" label="Heures" type="long" defaultValue="2" />
                  <camunda:formField id="emploi" label="A trouvé un emploi" type="boolean" />
                  <camunda:formField id="prochain" label="Prochain rendez-vous" type="date">
                    <camunda:validation><camunda:constraint name="required" /></camunda:validation>
                  </camunda:formField>
                  <camunda:formField id="frein" label="Frein principal" type="enum">
                    <camunda:value id="mobilite" name="Mobilité" />
                    <camunda:value id="sante" name="Santé" />
                  </camunda:formField>
                </camunda:formData>
              </bpmn:extensionElements>
            </bpmn:userTask>
            <bpmn:sequenceFlow id="f2" sourceRef="point" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    [Fact]
    public async Task A_generated_form_sends_typed_values_and_shows_the_engine_s_errors_per_field()
    {
        using (var deployed = await Client.PostAsync("/api/workflow/definitions", new StringContent(Model, Encoding.UTF8, "application/xml")))
            Assert.True(deployed.IsSuccessStatusCode, await deployed.Content.ReadAsStringAsync());
        var instance = await SendAs(null, s => s.Send(new StartInstanceCommand("ui-form", null, new JsonObject { ["emploi"] = true })));
        var conseiller = TestPrincipal.ConseillerDunkerque;
        var taskId = Assert.Single((await SendAs(conseiller, s => s.Send(new QueryTasksQuery(Mine: true)))).Items).Id;
        var details = await SendAs(conseiller, s => s.Send(new GetTaskQuery(taskId)));

        var fields = FormFieldModel.Parse(details.FormFields, details.Variables);
        Assert.Equal(["string", "long", "boolean", "date", "enum"], fields.Select(f => f.Type));
        Assert.True(fields[0].Required);
        Assert.Equal(2, fields[1].Number); // default value
        Assert.True(fields[2].Flag); // from the instance's variables
        Assert.Equal([("mobilite", "Mobilité"), ("sante", "Santé")], fields[4].Options);

        // Nothing filled in: the engine refuses, and each error goes to its field.
        var refused = await Assert.ThrowsAsync<WorkflowValidationException>(() =>
            SendAs(conseiller, s => s.Send(new CompleteTaskCommand(taskId, Values(fields)))));
        var problem = UiProblem.From(refused);
        Assert.Equal("Données invalides", problem.Title);
        Assert.Equal("« Résumé » est obligatoire.", problem.For("resume"));
        Assert.Equal("« Prochain rendez-vous » est obligatoire.", problem.For("prochain"));
        Assert.Null(problem.For("heures"));

        fields[0].Text = " Recherche active ";
        fields[1].Number = 3;
        fields[3].Date = new DateTime(2026, 12, 30);
        fields[4].Text = "sante";
        await SendAs(conseiller, s => s.Send(new CompleteTaskCommand(taskId, Values(fields))));

        var variables = (await SendAs(null, s => s.Send(new GetInstanceQuery(instance.Id)))).Variables;
        Assert.Equal("Recherche active", (string?)variables["resume"]);
        Assert.Equal(3, (long)variables["heures"]!);
        Assert.True((bool)variables["emploi"]!);
        Assert.Equal("2026-12-30", (string?)variables["prochain"]);
        Assert.Equal("sante", (string?)variables["frein"]);

        // Completing it again: a conflict, said in French.
        var again = await Assert.ThrowsAnyAsync<Exception>(() => SendAs(conseiller, s => s.Send(new CompleteTaskCommand(taskId, Values(fields)))));
        Assert.Contains(UiProblem.From(again).Title, new[] { "Conflit", "Introuvable" });
    }

    [Fact]
    public void Use_case_errors_are_worded_for_the_screen()
    {
        var validation = UiProblem.From(new FluentValidation.ValidationException(
            [new FluentValidation.Results.ValidationFailure("Reasons", "Motivez votre avis."), new FluentValidation.Results.ValidationFailure("Opinion", "L'avis est favorable ou défavorable.")]));
        Assert.Equal("Motivez votre avis.", validation.For("reasons"));
        Assert.Equal("Motivez votre avis. L'avis est favorable ou défavorable.", validation.Message);
        Assert.Equal("Au plus 2 entretiens.", UiProblem.From(new FluentValidation.ValidationException("Au plus 2 entretiens.")).Message);
        Assert.Equal("Conflit", UiProblem.From(new WorkflowConflictException("Cette tâche a déjà été terminée ou annulée.")).Title);
        Assert.Equal("Accès refusé", UiProblem.From(new UnauthorizedAccessException("Réservé aux administrateurs.")).Title);
        Assert.Equal("Introuvable", UiProblem.From(new Plie.Application.Common.NotFoundException("Ce dossier n'existe pas.")).Title);
        var bug = UiProblem.From(new NullReferenceException());
        Assert.True(bug.Unexpected);
        Assert.StartsWith("Une erreur inattendue", bug.Message);
    }

    private static JsonObject Values(IEnumerable<FormFieldModel> fields)
    {
        var values = new JsonObject();
        foreach (var field in fields)
            if (field.ToJson() is { } value) values[field.Id] = value;
        return values;
    }
}
