using System.Net;

namespace Plie.Web.Tests;

public sealed class MessagesAndIncidentsApiTests : ApiTestBase
{
    [Fact]
    public async Task A_message_reaches_the_instance_waiting_for_it()
    {
        await DeployOkAsync(Models.MessageCatch);
        var waiting = Id(await StartAsync("api-message", businessKey: "dossier-7"));
        var other = Id(await StartAsync("api-message", businessKey: "dossier-8"));
        Assert.Equal(["wait"], (await GetJsonAsync($"/api/workflow/instances/{waiting}"))["activeElementIds"]!.AsArray().Select(e => (string?)e));

        using var response = await PostJsonAsync("/api/workflow/messages",
            new { messageName = "pieces-recues", businessKey = "dossier-7", variables = new { pieces = new[] { "cni", "rib" } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await JsonAsync(response);
        Assert.Equal([waiting], result["instanceIds"]!.AsArray().Select(i => Guid.Parse((string)i!)));
        Assert.False((bool)result["startedNewInstance"]!);

        var details = await GetJsonAsync($"/api/workflow/instances/{waiting}");
        Assert.Equal("review", (string?)Assert.Single(details["openTasks"]!.AsArray())!["elementId"]);
        Assert.Equal(["cni", "rib"], details["variables"]!["pieces"]!.AsArray().Select(p => (string?)p));
        Assert.Empty((await GetJsonAsync($"/api/workflow/instances/{other}"))["openTasks"]!.AsArray());

        // Nobody waits any more for this key.
        using var again = await PostJsonAsync("/api/workflow/messages", new { messageName = "pieces-recues", businessKey = "dossier-7" });
        await AssertProblemAsync(again, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_failing_service_task_becomes_an_incident_that_can_be_retried()
    {
        await DeployOkAsync(Models.AsyncCheck);
        var unknownParticipant = Guid.NewGuid();
        var instanceId = Id(await StartAsync("api-async-check", new { participantId = unknownParticipant }));

        for (var run = 0; run < 3; run++)
            Assert.Equal(1, await App.RunDueJobsAsync());

        var incidents = await GetJsonAsync($"/api/workflow/incidents?instanceId={instanceId}");
        var incident = Assert.Single(incidents["items"]!.AsArray())!;
        Assert.Equal("check", (string?)incident["elementId"]);
        Assert.Equal("api-async-check", (string?)incident["processKey"]);
        Assert.Contains(unknownParticipant.ToString(), (string?)incident["message"]);
        Assert.Null(incident["resolvedAt"]);
        Assert.Contains((await GetJsonAsync("/api/workflow/incidents?processKey=api-async-check"))["items"]!.AsArray(),
            i => Id(i) == Id(incident));
        Assert.Single((await GetJsonAsync($"/api/workflow/instances/{instanceId}"))["openIncidents"]!.AsArray());

        using (var retry = await PostJsonAsync($"/api/workflow/incidents/{Id(incident)}/retry"))
            Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);

        Assert.Empty((await GetJsonAsync($"/api/workflow/incidents?instanceId={instanceId}"))["items"]!.AsArray());
        var resolved = Assert.Single((await GetJsonAsync($"/api/workflow/incidents?instanceId={instanceId}&includeResolved=true"))["items"]!.AsArray())!;
        Assert.NotNull((string?)resolved["resolvedAt"]);
        Assert.Equal("test.admin", (string?)resolved["resolvedBy"]);

        using (var twice = await PostJsonAsync($"/api/workflow/incidents/{Id(incident)}/retry"))
            await AssertProblemAsync(twice, HttpStatusCode.Conflict);
        using (var unknown = await PostJsonAsync($"/api/workflow/incidents/{Guid.NewGuid()}/retry"))
            await AssertProblemAsync(unknown, HttpStatusCode.NotFound);

        // The retried job runs again (and, the participant still missing, fails into a new incident after its one try).
        Assert.Equal(1, await App.RunDueJobsAsync());
        Assert.Single((await GetJsonAsync($"/api/workflow/incidents?instanceId={instanceId}"))["items"]!.AsArray());
    }
}
