using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Plie.Web.Tests;

public sealed class DefinitionsApiTests : ApiTestBase
{
    [Fact]
    public async Task Deploying_creates_a_version_only_when_the_model_changed()
    {
        using (var first = await DeployAsync(Models.Review()))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            Assert.Equal("/api/workflow/definitions/api-review/xml?version=1", first.Headers.Location?.PathAndQuery);
            var body = await JsonAsync(first);
            Assert.Equal("api-review", (string?)body["key"]);
            Assert.Equal(1, (int)body["version"]!);
            Assert.Equal("Relecture", (string?)body["name"]);
            Assert.True((bool)body["created"]!);
        }

        using (var same = await DeployAsync(Models.Review()))
        {
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
            var body = await JsonAsync(same);
            Assert.Equal(1, (int)body["version"]!);
            Assert.False((bool)body["created"]!);
        }

        using (var changed = await DeployAsync(Models.Review(name: "Relecture du dossier")))
        {
            Assert.Equal(HttpStatusCode.Created, changed.StatusCode);
            Assert.Equal(2, (int)(await JsonAsync(changed))["version"]!);
        }

        var list = (await GetJsonAsync("/api/workflow/definitions")).AsArray();
        var review = Assert.Single(list, d => (string?)d!["key"] == "api-review")!;
        Assert.Equal(2, (int)review["latestVersion"]!);
        Assert.Equal("Relecture du dossier", (string?)review["name"]);
        Assert.Equal([2, 1], review["versions"]!.AsArray().Select(v => (int)v!["version"]!));
        Assert.Contains(list, d => (string?)d!["key"] == "intake"); // deployed at start-up from workflows/
    }

    [Fact]
    public async Task The_definition_list_counts_running_instances_per_version()
    {
        await DeployOkAsync(Models.Review());
        await StartAsync("api-review");
        await DeployOkAsync(Models.Review(name: "v2"));
        await StartAsync("api-review");
        await StartAsync("api-review");

        var review = (await GetJsonAsync("/api/workflow/definitions")).AsArray().Single(d => (string?)d!["key"] == "api-review")!;
        Assert.Equal(3, (int)review["runningInstances"]!);
        var versions = review["versions"]!.AsArray();
        Assert.Equal(2, (int)versions[0]!["runningInstances"]!);
        Assert.Equal(1, (int)versions[1]!["runningInstances"]!);
        Assert.Equal("test.admin", (string?)versions[0]!["deployedBy"]);
        Assert.NotNull((string?)versions[0]!["deployedAt"]);
    }

    [Fact]
    public async Task The_xml_of_each_version_can_be_read_back()
    {
        await DeployOkAsync(Models.Review());
        await DeployOkAsync(Models.Review(name: "Deuxième"));

        using var latest = await Client.GetAsync("/api/workflow/definitions/api-review/xml");
        Assert.Equal(HttpStatusCode.OK, latest.StatusCode);
        Assert.Equal("application/xml", latest.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Models.Review(name: "Deuxième"), await latest.Content.ReadAsStringAsync());

        using var first = await Client.GetAsync("/api/workflow/definitions/api-review/xml?version=1");
        Assert.Equal(Models.Review(), await first.Content.ReadAsStringAsync());

        using var missing = await Client.GetAsync("/api/workflow/definitions/api-review/xml?version=7");
        await AssertProblemAsync(missing, HttpStatusCode.NotFound);
        using var unknown = await Client.GetAsync("/api/workflow/definitions/nope/xml");
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_model_can_be_uploaded_as_a_multipart_file()
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(Models.Review("api-upload")));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "upload.bpmn");

        using var response = await Client.PostAsync("/api/workflow/definitions", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("api-upload", (string?)(await JsonAsync(response))["key"]);
    }

    [Fact]
    public async Task An_invalid_model_is_refused_with_the_faulty_elements()
    {
        using var response = await DeployAsync(Models.Invalid);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var elementIds = problem["errors"]!.AsArray().Select(e => (string?)e!["elementId"]).ToList();
        Assert.Contains("Task_Bad", elementIds);
        Assert.Contains("Gateway_Dead", elementIds);
        Assert.Contains("nope.unknown", (string?)problem["detail"]);

        var list = (await GetJsonAsync("/api/workflow/definitions")).AsArray();
        Assert.DoesNotContain(list, d => (string?)d!["key"] == "api-invalid");
    }

    [Fact]
    public async Task Validation_reports_errors_without_deploying()
    {
        using var invalid = await Client.PostAsync("/api/workflow/definitions/validate",
            new StringContent(Models.Invalid, Encoding.UTF8, "text/xml"));
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        var body = await JsonAsync(invalid);
        Assert.False((bool)body["valid"]!);
        Assert.Contains(body["errors"]!.AsArray(), e => (string?)e!["elementId"] == "Task_Bad"
                                                        && ((string?)e["message"])!.Contains("nope.unknown"));

        using var garbage = await Client.PostAsync("/api/workflow/definitions/validate",
            new StringContent("<pas du bpmn", Encoding.UTF8, "application/xml"));
        var garbageBody = await JsonAsync(garbage);
        Assert.False((bool)garbageBody["valid"]!);
        Assert.Contains("XML invalide", (string?)garbageBody["errors"]![0]!["message"]);

        using var valid = await Client.PostAsync("/api/workflow/definitions/validate",
            new StringContent(Models.Review(), Encoding.UTF8, "application/xml"));
        var validBody = await JsonAsync(valid);
        Assert.True((bool)validBody["valid"]!);
        Assert.Empty(validBody["errors"]!.AsArray());
        Assert.DoesNotContain((await GetJsonAsync("/api/workflow/definitions")).AsArray(), d => (string?)d!["key"] == "api-review");
    }

    [Fact]
    public async Task Validation_reports_models_the_engine_cannot_read_instead_of_failing()
    {
        foreach (var xml in new[] { Models.BrokenCondition, Models.DeeplyNested(20_000) })
        {
            using var response = await Client.PostAsync("/api/workflow/definitions/validate",
                new StringContent(xml, Encoding.UTF8, "application/xml"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await JsonAsync(response);
            Assert.False((bool)body["valid"]!);
            Assert.NotEmpty(body["errors"]!.AsArray());
        }
    }

    [Fact]
    public async Task The_topic_catalogue_lists_the_service_task_handlers()
    {
        var topics = (await GetJsonAsync("/api/workflow/topics")).AsArray();

        var check = Assert.Single(topics, t => (string?)t!["topic"] == "intake.check-eligibility")!;
        Assert.False(string.IsNullOrWhiteSpace((string?)check["description"]));
        Assert.Contains(check["inputs"]!.AsArray(), i => (string?)i!["name"] == "participantId" && (bool)i["required"]!);
        Assert.Contains(check["outputs"]!.AsArray(), o => (string?)o!["name"] == "eligible" && (string?)o["type"] == "boolean");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_workflow_api()
    {
        var document = await GetJsonAsync("/openapi/v1.json");
        var paths = document["paths"]!.AsObject();
        foreach (var path in (string[])["/api/workflow/definitions", "/api/workflow/definitions/validate", "/api/workflow/definitions/{key}/xml",
                     "/api/workflow/instances", "/api/workflow/instances/{id}", "/api/workflow/instances/{id}/history",
                     "/api/workflow/instances/{id}/cancel", "/api/workflow/tasks", "/api/workflow/tasks/{id}",
                     "/api/workflow/tasks/{id}/claim", "/api/workflow/tasks/{id}/unclaim", "/api/workflow/tasks/{id}/assign",
                     "/api/workflow/tasks/{id}/complete", "/api/workflow/messages", "/api/workflow/incidents",
                     "/api/workflow/incidents/{id}/retry", "/api/workflow/topics", "/api/intake"])
            Assert.True(paths.ContainsKey(path), $"{path} is missing from the OpenAPI document");
        var completeTask = paths["/api/workflow/tasks/{id}/complete"]!["post"]!;
        Assert.Equal("CompleteTask", (string?)completeTask["operationId"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)completeTask["summary"]));
        var deploy = paths["/api/workflow/definitions"]!["post"]!;
        Assert.NotNull(deploy["responses"]!["201"]);
        Assert.NotNull(deploy["responses"]!["200"]);
        var bodyTypes = deploy["requestBody"]!["content"]!.AsObject().Select(c => c.Key).ToList();
        Assert.Equal(["application/xml", "text/xml", "multipart/form-data"], bodyTypes);
        Assert.NotNull(paths["/api/workflow/definitions/{key}/xml"]!["get"]!["responses"]!["200"]!["content"]!["application/xml"]);
    }
}
