using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Plie.Web.Tests;

/// <summary>Each test gets the app on a database of its own.</summary>
public abstract class ApiTestBase : IAsyncLifetime
{
    protected PlieWebFactory App { get; } = new();
    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)App).InitializeAsync();
        Client = App.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await ((IAsyncLifetime)App).DisposeAsync();
    }

    /// <summary>Sends a request as <paramref name="user"/> (see <see cref="TestAuthHandler.Value"/>; "anonymous": nobody).</summary>
    protected Task<HttpResponseMessage> SendAsAsync(string user, HttpMethod method, string url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add(TestAuthHandler.Header, user);
        if (body is not null) request.Content = JsonContent.Create(body);
        return Client.SendAsync(request);
    }

    protected Task<HttpResponseMessage> DeployAsync(string xml) =>
        Client.PostAsync("/api/workflow/definitions", new StringContent(xml, Encoding.UTF8, "application/xml"));

    protected async Task<JsonNode> DeployOkAsync(string xml)
    {
        using var response = await DeployAsync(xml);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await JsonAsync(response);
    }

    protected async Task<JsonNode> StartAsync(string processKey, object? variables = null, string? businessKey = null)
    {
        using var response = await Client.PostAsJsonAsync("/api/workflow/instances", new { processKey, businessKey, variables });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await JsonAsync(response);
    }

    protected async Task<JsonNode> GetJsonAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await JsonAsync(response);
    }

    protected async Task<HttpResponseMessage> PostJsonAsync(string url, object? body = null) =>
        body is null ? await Client.PostAsync(url, null) : await Client.PostAsJsonAsync(url, body);

    protected async Task CompleteAsync(Guid taskId, object? variables = null)
    {
        using var response = await PostJsonAsync($"/api/workflow/tasks/{taskId}/complete", new { variables });
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The open tasks of an instance (through GET /instances/{id}).</summary>
    protected async Task<JsonArray> OpenTasksAsync(Guid instanceId) =>
        (await GetJsonAsync($"/api/workflow/instances/{instanceId}"))["openTasks"]!.AsArray();

    protected async Task<Guid> SingleOpenTaskAsync(Guid instanceId, string elementId)
    {
        var task = Assert.Single(await OpenTasksAsync(instanceId), t => (string?)t!["elementId"] == elementId);
        return Id(task);
    }

    protected static Guid Id(JsonNode? node, string property = "id") => Guid.Parse((string)node![property]!);

    protected static async Task<JsonNode> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    /// <summary>Asserts a ProblemDetails answer with this status and a detail, and returns it.</summary>
    protected static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), body);
        return problem;
    }
}
