using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Plie.Application.Participants;
using Plie.Application.Workflow.QueryTasks;
using Plie.Application.Workflow.StartInstance;

namespace Plie.Web.Tests.Ui;

/// <summary>Ma corbeille: my tasks and my groups' unassigned ones, by antenne and step, with counts and the people's names.</summary>
public sealed class InboxTests : UiTestBase
{
    /// <summary>One unassigned task for the conseillers, overdue as soon as created (due date in the past).</summary>
    private const string FollowUp = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="test">
          <bpmn:process id="ui-follow-up" name="Suivi" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
            <bpmn:userTask id="call" name="Appeler la personne" camunda:candidateGroups="conseiller" camunda:dueDate="2020-01-01" />
            <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    [Fact]
    public async Task The_inbox_holds_my_tasks_and_my_groups_unassigned_ones_by_antenne_and_step()
    {
        var dk = TestPrincipal.ConseillerDunkerque;
        var gs = TestPrincipal.ConseillerGrandeSynthe;
        var camille = await Use.OrientAsync(dk, "Camille", "Vandamme", "Dunkerque-Centre");
        var karim = await Use.OrientAsync(dk, "Karim", "Benali", "Dunkerque-Centre");
        var julie = await Use.OrientAsync(gs, "Julie", "Lefebvre", "Grande-Synthe", "59271");
        using (var deployed = await Client.PostAsync("/api/workflow/definitions", new StringContent(FollowUp, Encoding.UTF8, "application/xml")))
            Assert.True(deployed.IsSuccessStatusCode, await deployed.Content.ReadAsStringAsync());
        await SendAs(null, s => s.Send(new StartInstanceCommand("ui-follow-up", julie.ParticipantId.ToString(), null)));

        // Over HTTP, as the API gives it (mine=true): the first interviews of the people dk oriented, and the conseillers' unassigned task.
        var mine = await TasksAsync(dk, "?mine=true");
        Assert.Equal(3, mine.Count);
        Assert.Equal(["conseiller.dk", "conseiller.dk", null], mine.Select(t => (string?)t["assignee"]).OrderBy(a => a is null));
        var gsInbox = await TasksAsync(gs, "?mine=true");
        Assert.Equal(["Appeler la personne", "Entretiens de 1er accueil"], gsInbox.Select(t => (string?)t["name"]).Order());
        Assert.Empty(await TasksAsync(TestPrincipal.Statistiques, "?mine=true"));

        // Through the use case, as the inbox sends it…
        var dkPage = await SendAs(dk, s => s.Send(new QueryTasksQuery(Mine: true)));
        Assert.Equal(3, dkPage.Total);
        // … its due date is first (soonest), and it is overdue.
        Assert.Equal("Appeler la personne", dkPage.Items[0].Name);
        Assert.True(dkPage.Items[0].Overdue);
        // The antenne filter joins the participant: Julie's file is at Grande-Synthe.
        var byAntenne = await SendAs(dk, s => s.Send(new QueryTasksQuery(Mine: true, Antenne: "Grande-Synthe")));
        Assert.Equal(julie.ParticipantId.ToString(), Assert.Single(byAntenne.Items).BusinessKey);
        var byStep = await SendAs(dk, s => s.Send(new QueryTasksQuery(Mine: true, TaskName: "Entretiens de 1er accueil", Antenne: "Dunkerque-Centre")));
        Assert.Equal([camille.ParticipantId.ToString(), karim.ParticipantId.ToString()], byStep.Items.Select(t => t.BusinessKey).Order());
        var overdue = await SendAs(dk, s => s.Send(new QueryTasksQuery(Mine: true, Overdue: true, PageSize: 1)));
        Assert.Equal(1, overdue.Total);

        var counts = await SendAs(dk, s => s.Send(new CountTasksByStepQuery(Mine: true)));
        Assert.Equal([new TaskStepCount("Appeler la personne", 1, 1, 0), new TaskStepCount("Entretiens de 1er accueil", 2, 0, 2)], counts);
        var gsCounts = await SendAs(gs, s => s.Send(new CountTasksByStepQuery(Mine: true, Antenne: "Grande-Synthe")));
        Assert.Equal([new TaskStepCount("Appeler la personne", 1, 1, 0), new TaskStepCount("Entretiens de 1er accueil", 1, 0, 1)], gsCounts);
    }

    [Fact]
    public async Task The_names_of_a_page_are_resolved_in_one_query_within_what_the_user_may_see()
    {
        var camille = await Use.OrientAsync(TestPrincipal.ConseillerDunkerque, "Camille", "Vandamme", "Dunkerque-Centre");
        var julie = await Use.OrientAsync(TestPrincipal.ConseillerGrandeSynthe, "Julie", "Lefebvre", "Grande-Synthe", "59271");
        string[] keys = [camille.ParticipantId.ToString(), julie.ParticipantId.ToString().ToUpperInvariant(), "pas-un-dossier"];

        var forDk = await SendAs(TestPrincipal.ConseillerDunkerque, s => s.Send(new GetParticipantNamesQuery(keys)));
        Assert.Equal("Camille VANDAMME", Assert.Single(forDk).Value.FullName);
        var forResponsable = await SendAs(TestPrincipal.Responsable, s => s.Send(new GetParticipantNamesQuery(keys)));
        Assert.Equal(2, forResponsable.Count);
        Assert.Equal("Julie", forResponsable[keys[1]].FirstName);
        Assert.Equal("Grande-Synthe", forResponsable[keys[1]].Antenne);
    }

    private async Task<List<JsonNode>> TasksAsync(TestPrincipal user, string query)
    {
        using var response = await GetAs(user, "/api/workflow/tasks" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["items"]!.AsArray().Select(t => t!).ToList();
    }
}
