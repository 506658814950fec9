using System.Net;
using System.Text.Json.Nodes;

namespace Plie.Web.Tests;

public sealed class InstancesAndTasksApiTests : ApiTestBase
{
    [Fact]
    public async Task A_started_instance_offers_its_first_task_to_the_candidate_group()
    {
        await DeployOkAsync(Models.Review());

        using var response = await PostJsonAsync("/api/workflow/instances",
            new { processKey = "api-review", businessKey = "dossier-42", variables = new { montant = 1200, urgent = true } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var instance = await JsonAsync(response);
        var instanceId = Id(instance);
        Assert.Equal($"/api/workflow/instances/{instanceId}", response.Headers.Location?.PathAndQuery);
        Assert.Equal("Running", (string?)instance["state"]);
        Assert.Equal("dossier-42", (string?)instance["businessKey"]);
        Assert.Equal(1, (int)instance["processVersion"]!);

        var page = await GetJsonAsync("/api/workflow/tasks?candidateGroups=autres,testeurs");
        var task = Assert.Single(page["items"]!.AsArray())!;
        Assert.Equal(1, (int)page["total"]!);
        Assert.Equal("review", (string?)task["elementId"]);
        Assert.Equal("Relire le dossier", (string?)task["name"]);
        Assert.Equal(instanceId, Id(task, "instanceId"));
        Assert.Equal("dossier-42", (string?)task["businessKey"]);
        Assert.Null(task["assignee"]);
        Assert.False((bool)task["overdue"]!);
        Assert.Empty((await GetJsonAsync("/api/workflow/tasks?candidateGroups=autres"))["items"]!.AsArray());
        Assert.Single((await GetJsonAsync("/api/workflow/tasks?processKey=api-review&unassigned=true&dueBefore=2999-01-01T00:00:00Z"))["items"]!.AsArray());
        Assert.Empty((await GetJsonAsync("/api/workflow/tasks?overdue=true"))["items"]!.AsArray());

        var details = await GetJsonAsync($"/api/workflow/instances/{instanceId}");
        Assert.Equal(1200, (int)details["variables"]!["montant"]!);
        Assert.True((bool)details["variables"]!["urgent"]!);
        Assert.Equal(["review"], details["activeElementIds"]!.AsArray().Select(e => (string?)e));
        Assert.Empty(details["openIncidents"]!.AsArray());

        var taskDetails = await GetJsonAsync($"/api/workflow/tasks/{Id(task)}");
        Assert.Equal("review", (string?)taskDetails["task"]!["elementId"]);
        Assert.Equal(1200, (int)taskDetails["variables"]!["montant"]!);
    }

    [Fact]
    public async Task Claiming_and_completing_through_the_api_moves_the_case_on()
    {
        await DeployOkAsync(Models.Review());
        var instanceId = Id(await StartAsync("api-review"));
        var taskId = await SingleOpenTaskAsync(instanceId, "review");

        using (var claim = await PostJsonAsync($"/api/workflow/tasks/{taskId}/claim"))
        {
            Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
            var task = await JsonAsync(claim);
            Assert.Equal("test.admin", (string?)task["assignee"]);
            Assert.NotNull((string?)task["claimedAt"]);
        }
        Assert.Single((await GetJsonAsync("/api/workflow/tasks?assignee=test.admin"))["items"]!.AsArray());

        using (var unclaim = await PostJsonAsync($"/api/workflow/tasks/{taskId}/unclaim"))
            Assert.Null((await JsonAsync(unclaim))["assignee"]);
        using (var assign = await PostJsonAsync($"/api/workflow/tasks/{taskId}/assign", new { assignee = "marie.dupont" }))
            Assert.Equal("marie.dupont", (string?)(await JsonAsync(assign))["assignee"]);
        using (var claimTaken = await PostJsonAsync($"/api/workflow/tasks/{taskId}/claim"))
            await AssertProblemAsync(claimTaken, HttpStatusCode.Conflict);

        await CompleteAsync(taskId, new { avis = "favorable" });

        var details = await GetJsonAsync($"/api/workflow/instances/{instanceId}");
        Assert.Equal("Completed", (string?)details["instance"]!["state"]);
        Assert.Equal("favorable", (string?)details["variables"]!["avis"]);
        Assert.Empty(details["openTasks"]!.AsArray());
        Assert.Empty(details["activeElementIds"]!.AsArray());

        var history = await GetJsonAsync($"/api/workflow/instances/{instanceId}/history?pageSize=200");
        var types = history["items"]!.AsArray().Select(h => (string?)h!["type"]).ToList();
        Assert.Equal("InstanceStarted", types[0]);
        Assert.Equal("InstanceCompleted", types[^1]);
        Assert.Contains("TaskClaimed", types);
        Assert.Contains("TaskAssigned", types);
        var completed = history["items"]!.AsArray().Single(h => (string?)h!["type"] == "TaskCompleted")!;
        Assert.Equal("favorable", (string?)completed["data"]!["variables"]!["avis"]);
        Assert.Equal("test.admin", (string?)completed["userId"]);

        var paged = await GetJsonAsync($"/api/workflow/instances/{instanceId}/history?page=2&pageSize=2");
        Assert.Equal(types.Count, (int)paged["total"]!);
        Assert.Equal(types.Skip(2).Take(2), paged["items"]!.AsArray().Select(h => (string?)h!["type"]));
    }

    [Fact]
    public async Task Completing_a_task_twice_is_a_conflict_and_an_unknown_task_is_not_found()
    {
        await DeployOkAsync(Models.Review());
        var instanceId = Id(await StartAsync("api-review"));
        var taskId = await SingleOpenTaskAsync(instanceId, "review");
        await CompleteAsync(taskId);

        using (var again = await PostJsonAsync($"/api/workflow/tasks/{taskId}/complete", new { variables = new { } }))
            await AssertProblemAsync(again, HttpStatusCode.Conflict);

        var unknown = Guid.NewGuid();
        foreach (var (method, url) in new[]
                 {
                     (HttpMethod.Get, $"/api/workflow/tasks/{unknown}"),
                     (HttpMethod.Post, $"/api/workflow/tasks/{unknown}/claim"),
                     (HttpMethod.Post, $"/api/workflow/tasks/{unknown}/unclaim"),
                     (HttpMethod.Post, $"/api/workflow/tasks/{unknown}/complete"),
                 })
        {
            using var response = await Client.SendAsync(new HttpRequestMessage(method, url));
            var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Contains(unknown.ToString(), (string?)problem["detail"]);
        }

        // The completed task can still be read.
        Assert.Equal("Completed", (string?)(await GetJsonAsync($"/api/workflow/tasks/{taskId}"))["task"]!["state"]);
    }

    [Fact]
    public async Task Instances_are_listed_newest_first_with_filters_and_paging()
    {
        await DeployOkAsync(Models.Review());
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(Id(await StartAsync("api-review", businessKey: $"dossier-{i}")));
        await CompleteAsync(await SingleOpenTaskAsync(ids[0], "review"));

        var running = await GetJsonAsync("/api/workflow/instances?processKey=api-review&state=running");
        Assert.Equal(2, (int)running["total"]!);
        Assert.Equal([ids[2], ids[1]], running["items"]!.AsArray().Select(i => Id(i)));

        var page = await GetJsonAsync("/api/workflow/instances?processKey=api-review&page=2&pageSize=2");
        Assert.Equal(3, (int)page["total"]!);
        Assert.Equal(2, (int)page["page"]!);
        Assert.Equal(2, (int)page["pageSize"]!);
        Assert.Equal([ids[0]], page["items"]!.AsArray().Select(i => Id(i)));

        var byKey = await GetJsonAsync("/api/workflow/instances?businessKey=dossier-1");
        Assert.Equal([ids[1]], byKey["items"]!.AsArray().Select(i => Id(i)));
        Assert.Equal("Completed", (string?)(await GetJsonAsync("/api/workflow/instances?state=Completed"))["items"]![0]!["state"]);
    }

    [Fact]
    public async Task Cancelling_an_instance_needs_a_reason_and_happens_once()
    {
        await DeployOkAsync(Models.Review());
        var instanceId = Id(await StartAsync("api-review"));

        using (var noReason = await PostJsonAsync($"/api/workflow/instances/{instanceId}/cancel", new { reason = "  " }))
        {
            var problem = await AssertProblemAsync(noReason, HttpStatusCode.BadRequest);
            Assert.Contains("motif", (string?)problem["detail"]);
            Assert.NotNull(problem["errors"]!["reason"]);
        }

        using (var cancel = await PostJsonAsync($"/api/workflow/instances/{instanceId}/cancel", new { reason = "Doublon" }))
            Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);

        var details = await GetJsonAsync($"/api/workflow/instances/{instanceId}");
        Assert.Equal("Cancelled", (string?)details["instance"]!["state"]);
        Assert.Equal("Doublon", (string?)details["instance"]!["endReason"]);
        Assert.Empty(details["openTasks"]!.AsArray());

        using var again = await PostJsonAsync($"/api/workflow/instances/{instanceId}/cancel", new { reason = "Doublon" });
        await AssertProblemAsync(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Form_fields_are_checked_when_completing_and_shown_with_the_task()
    {
        const string xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="test">
              <bpmn:process id="api-form" isExecutable="true">
                <bpmn:startEvent id="start" />
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide" />
                <bpmn:userTask id="decide">
                  <bpmn:extensionElements>
                    <camunda:formData>
                      <camunda:formField id="decision" label="Décision" type="enum">
                        <camunda:value id="oui" name="Oui" />
                        <camunda:value id="non" name="Non" />
                      </camunda:formField>
                      <camunda:formField id="heures" label="Heures" type="long">
                        <camunda:validation><camunda:constraint name="required" /></camunda:validation>
                      </camunda:formField>
                    </camunda:formData>
                  </bpmn:extensionElements>
                </bpmn:userTask>
                <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end" />
                <bpmn:endEvent id="end" />
              </bpmn:process>
            </bpmn:definitions>
            """;
        await DeployOkAsync(xml);
        var instanceId = Id(await StartAsync("api-form"));
        var taskId = await SingleOpenTaskAsync(instanceId, "decide");

        var task = await GetJsonAsync($"/api/workflow/tasks/{taskId}");
        var fields = task["formFields"]!.AsArray();
        Assert.Equal(["decision", "heures"], fields.Select(f => (string?)f!["id"]));

        using var invalid = await PostJsonAsync($"/api/workflow/tasks/{taskId}/complete",
            new { variables = new { decision = "peut-être", heures = "beaucoup" } });
        var problem = await AssertProblemAsync(invalid, HttpStatusCode.BadRequest);
        Assert.Equal(["decision", "heures"], problem["errors"]!.AsArray().Select(e => (string?)e!["elementId"]).Order());

        await CompleteAsync(taskId, new { decision = "oui", heures = 3 });
    }
}

/// <summary>Who may do what through the API: roles (policies) and candidate groups (handlers).</summary>
public sealed class ApiAuthorizationTests : ApiTestBase
{
    [Fact]
    public async Task Deploying_needs_the_designer_role_and_supervision_endpoints_need_supervision()
    {
        var conseiller = TestAuthHandler.Value("conseiller.dunkerque", "dunkerque-centre", "conseiller");
        using var deploy = await SendAsAsync(conseiller, HttpMethod.Post, "/api/workflow/definitions");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, deploy.StatusCode);
        using var incidents = await SendAsAsync(conseiller, HttpMethod.Get, "/api/workflow/incidents");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, incidents.StatusCode);
        using var anonymous = await SendAsAsync("anonymous", HttpMethod.Get, "/api/workflow/tasks");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var superviseur = await SendAsAsync(TestAuthHandler.Value("sup", null, "superviseur"), HttpMethod.Get, "/api/workflow/incidents");
        Assert.Equal(System.Net.HttpStatusCode.OK, superviseur.StatusCode);
    }

    [Fact]
    public async Task A_task_offered_to_users_by_name_is_in_their_inbox_only_and_found_by_candidate_user()
    {
        await DeployOkAsync(Models.Review());
        await DeployOkAsync(Models.OfferedToUsers());
        var offered = Id(await StartAsync("api-offered"));
        await StartAsync("api-review"); // offered to groups only: in nobody's inbox below

        async Task<JsonArray> InboxOf(string login)
        {
            using var response = await SendAsAsync(TestAuthHandler.Value(login, null, "conseiller"), HttpMethod.Get,
                "/api/workflow/tasks?mine=true");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await JsonAsync(response))["items"]!.AsArray();
        }

        var alice = Assert.Single(await InboxOf("alice"))!;
        Assert.Equal(offered, Id(alice, "instanceId"));
        Assert.Single(await InboxOf("bob"));
        Assert.Empty(await InboxOf("carol"));

        var byUser = Assert.Single((await GetJsonAsync("/api/workflow/tasks?candidateUser=bob"))["items"]!.AsArray())!;
        Assert.Equal(offered, Id(byUser, "instanceId"));
        Assert.Empty((await GetJsonAsync("/api/workflow/tasks?candidateUser=carol"))["items"]!.AsArray());

        // Once alice holds it, it stays in her inbox and leaves bob's.
        using (var claim = await SendAsAsync(TestAuthHandler.Value("alice", null, "conseiller"), HttpMethod.Post,
                   $"/api/workflow/tasks/{Id(alice)}/claim"))
            Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        Assert.Single(await InboxOf("alice"));
        Assert.Empty(await InboxOf("bob"));
        Assert.Single((await GetJsonAsync("/api/workflow/tasks?assignee=alice"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Only_a_candidate_may_claim_or_complete_a_task()
    {
        await DeployOkAsync(Models.Review("api-authz"));
        var instance = await StartAsync("api-authz");
        var task = (await OpenTasksAsync((Guid)instance["id"]!))[0]!;
        var taskId = (string)task["id"]!;
        var groups = task["candidateGroups"]!.AsArray().Select(g => (string)g!).ToArray();
        Assert.DoesNotContain("statistiques", groups);

        var statistiques = TestAuthHandler.Value("statistiques", null, "statistiques");
        using var claim = await SendAsAsync(statistiques, HttpMethod.Post, $"/api/workflow/tasks/{taskId}/claim");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, claim.StatusCode);
        using var complete = await SendAsAsync(statistiques, HttpMethod.Post, $"/api/workflow/tasks/{taskId}/complete", new { });
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, complete.StatusCode);

        var candidate = TestAuthHandler.Value("candidate", null, [.. groups, "conseiller"]);
        using var ok = await SendAsAsync(candidate, HttpMethod.Post, $"/api/workflow/tasks/{taskId}/claim");
        Assert.Equal(System.Net.HttpStatusCode.OK, ok.StatusCode);
    }
}

/// <summary>Personal data through the API: only within the user's role and antenne.</summary>
public sealed class ParticipantApiScopeTests : ApiTestBase
{
    [Fact]
    public async Task A_conseiller_of_another_antenne_gets_404_for_the_file_and_sees_neither_it_nor_its_tasks()
    {
        var dunkerque = TestAuthHandler.Value("conseiller.dunkerque", "dunkerque-centre", "conseiller");
        var grandeSynthe = TestAuthHandler.Value("conseiller.grande-synthe", "grande-synthe", "conseiller");
        using var created = await SendAsAsync(dunkerque, HttpMethod.Post, "/api/intake",
            new { firstName = "Karima", lastName = "Benali", birthDate = "1980-05-17", communeInseeCode = "59183" });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var participantId = (string)(await JsonAsync(created))["participantId"]!;

        using (var own = await SendAsAsync(dunkerque, HttpMethod.Get, $"/api/participants/{participantId}"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, own.StatusCode);
            Assert.Equal("Benali", (string?)(await JsonAsync(own))["lastName"]);
        }
        using (var other = await SendAsAsync(grandeSynthe, HttpMethod.Get, $"/api/participants/{participantId}"))
            Assert.Equal(System.Net.HttpStatusCode.NotFound, other.StatusCode);
        using (var search = await SendAsAsync(grandeSynthe, HttpMethod.Get, "/api/participants?name=benali"))
            Assert.Equal(0, (int)(await JsonAsync(search))["total"]!);
        using (var tasks = await SendAsAsync(grandeSynthe, HttpMethod.Get, $"/api/workflow/tasks?businessKey={participantId}"))
            Assert.Equal(0, (int)(await JsonAsync(tasks))["total"]!);
        using (var instances = await SendAsAsync(grandeSynthe, HttpMethod.Get, $"/api/workflow/instances?businessKey={participantId}"))
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, instances.StatusCode);
        using (var mine = await SendAsAsync(dunkerque, HttpMethod.Get, $"/api/workflow/tasks?businessKey={participantId}"))
            Assert.Equal(1, (int)(await JsonAsync(mine))["total"]!);
    }
}
