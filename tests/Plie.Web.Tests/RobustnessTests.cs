using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Plie.Web.Tests;

/// <summary>
/// Whatever a client sends, the answer is a 4xx ProblemDetails with a French detail — never a 500. One app (and
/// database) for all the cases: none of them changes anything.
/// </summary>
public sealed partial class RobustnessTests(PlieWebFactory app, ITestOutputHelper output) : IClassFixture<PlieWebFactory>
{
    private sealed record Case(HttpMethod Method, string Url, Func<HttpContent?> Content, HttpStatusCode Expected);

    private static readonly string Unknown = Guid.NewGuid().ToString();
    private static readonly string Empty = Guid.Empty.ToString();
    private const string W = "/api/workflow";

    private static Func<HttpContent?> Json(string json) => () => new StringContent(json, Encoding.UTF8, "application/json");
    private static Func<HttpContent?> Text(string text, string mediaType) => () => new StringContent(text, Encoding.UTF8, mediaType);
    private static Func<HttpContent?> Raw(string text, string contentType) => () =>
    {
        var content = new StringContent(text);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    };
    private static readonly Func<HttpContent?> NoBody = () => null;
    private static readonly string Nested = new string('[', 100) + new string(']', 100);
    private static readonly string HugeXml = "<x>" + new string('a', (int)Plie.Web.Api.BpmnUpload.MaxBytes) + "</x>";

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Deploy / validate a model
        ["deploy: empty body"] = new(HttpMethod.Post, $"{W}/definitions", Text("", "application/xml"), HttpStatusCode.BadRequest),
        ["deploy: not XML"] = new(HttpMethod.Post, $"{W}/definitions", Text("ceci n'est pas du XML", "application/xml"), HttpStatusCode.BadRequest),
        ["deploy: XML but not BPMN"] = new(HttpMethod.Post, $"{W}/definitions", Text("<?xml version='1.0'?><racine/>", "text/xml"), HttpStatusCode.BadRequest),
        ["deploy: DTD"] = new(HttpMethod.Post, $"{W}/definitions", Text("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>", "application/xml"), HttpStatusCode.BadRequest),
        ["deploy: condition with a syntax error"] = new(HttpMethod.Post, $"{W}/definitions", Text(Models.BrokenCondition, "application/xml"), HttpStatusCode.BadRequest),
        ["deploy: nested too deep"] = new(HttpMethod.Post, $"{W}/definitions", Text(Models.DeeplyNested(20_000), "application/xml"), HttpStatusCode.BadRequest),
        ["deploy: JSON"] = new(HttpMethod.Post, $"{W}/definitions", Json("{}"), HttpStatusCode.UnsupportedMediaType),
        ["deploy: no content type"] = new(HttpMethod.Post, $"{W}/definitions", NoBody, HttpStatusCode.UnsupportedMediaType),
        ["deploy: text/plain"] = new(HttpMethod.Post, $"{W}/definitions", Text("<x/>", "text/plain"), HttpStatusCode.UnsupportedMediaType),
        ["deploy: unknown charset"] = new(HttpMethod.Post, $"{W}/definitions", Raw("<x/>", "application/xml; charset=klingon"), HttpStatusCode.UnsupportedMediaType),
        ["deploy: multipart without boundary"] = new(HttpMethod.Post, $"{W}/definitions", Raw("--x\r\n", "multipart/form-data"), HttpStatusCode.BadRequest),
        ["deploy: multipart garbage"] = new(HttpMethod.Post, $"{W}/definitions", Raw("n'importe quoi", "multipart/form-data; boundary=abc"), HttpStatusCode.BadRequest),
        ["deploy: multipart without file"] = new(HttpMethod.Post, $"{W}/definitions", () => new MultipartFormDataContent { { new StringContent("x"), "autre" } }, HttpStatusCode.BadRequest),
        ["deploy: too large"] = new(HttpMethod.Post, $"{W}/definitions", Text(HugeXml, "application/xml"), HttpStatusCode.RequestEntityTooLarge),
        ["deploy: too large, chunked"] = new(HttpMethod.Post, $"{W}/definitions", () =>
        {
            var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(HugeXml)));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            content.Headers.ContentLength = null;
            return content;
        }, HttpStatusCode.RequestEntityTooLarge),
        ["deploy: too large, multipart"] = new(HttpMethod.Post, $"{W}/definitions", () => new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(HugeXml)), "file", "big.bpmn" },
        }, HttpStatusCode.RequestEntityTooLarge),
        ["validate: empty body"] = new(HttpMethod.Post, $"{W}/definitions/validate", Text("   ", "application/xml"), HttpStatusCode.BadRequest),
        ["validate: JSON"] = new(HttpMethod.Post, $"{W}/definitions/validate", Json("{\"xml\":\"<x/>\"}"), HttpStatusCode.UnsupportedMediaType),
        ["validate: too large"] = new(HttpMethod.Post, $"{W}/definitions/validate", Text(HugeXml, "text/xml"), HttpStatusCode.RequestEntityTooLarge),

        // Start an instance
        ["start: malformed JSON"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\": "), HttpStatusCode.BadRequest),
        ["start: array"] = new(HttpMethod.Post, $"{W}/instances", Json("[]"), HttpStatusCode.BadRequest),
        ["start: null"] = new(HttpMethod.Post, $"{W}/instances", Json("null"), HttpStatusCode.BadRequest),
        ["start: empty JSON body"] = new(HttpMethod.Post, $"{W}/instances", Json(""), HttpStatusCode.BadRequest),
        ["start: no body"] = new(HttpMethod.Post, $"{W}/instances", NoBody, HttpStatusCode.BadRequest),
        ["start: text/plain"] = new(HttpMethod.Post, $"{W}/instances", Text("{\"processKey\":\"intake\"}", "text/plain"), HttpStatusCode.UnsupportedMediaType),
        ["start: key is a number"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":42}"), HttpStatusCode.BadRequest),
        ["start: variables is a number"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":\"intake\",\"variables\":42}"), HttpStatusCode.BadRequest),
        ["start: variables is an array"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":\"intake\",\"variables\":[1]}"), HttpStatusCode.BadRequest),
        ["start: variables is a string"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":\"intake\",\"variables\":\"a=1\"}"), HttpStatusCode.BadRequest),
        ["start: variable without name"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":\"intake\",\"variables\":{\"\":1}}"), HttpStatusCode.BadRequest),
        ["start: duplicate variables"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":\"intake\",\"variables\":{\"a\":1,\"a\":2}}"), HttpStatusCode.BadRequest),
        ["start: too deep"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":\"intake\",\"variables\":{\"a\":" + Nested + "}}"), HttpStatusCode.BadRequest),
        ["start: empty key"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":\"\"}"), HttpStatusCode.BadRequest),
        ["start: missing key"] = new(HttpMethod.Post, $"{W}/instances", Json("{}"), HttpStatusCode.BadRequest),
        ["start: unknown key"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":\"inconnu\"}"), HttpStatusCode.NotFound),
        ["start: NUL character"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":\"in\\u0000take\"}"), HttpStatusCode.BadRequest),
        ["start: NUL character in a variable"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":\"intake\",\"businessKey\":\"x\",\"variables\":{\"conseiller\":\"c\",\"note\":\"a\\u0000b\"}}"), HttpStatusCode.BadRequest),
        ["start: business key too long"] = new(HttpMethod.Post, $"{W}/instances", Json("{\"processKey\":\"intake\",\"businessKey\":\"" + new string('k', 500) + "\"}"), HttpStatusCode.BadRequest),

        // Cancel an instance
        ["cancel: id not a GUID"] = new(HttpMethod.Post, $"{W}/instances/abc/cancel", Json("{\"reason\":\"x\"}"), HttpStatusCode.NotFound),
        ["cancel: empty GUID"] = new(HttpMethod.Post, $"{W}/instances/{Empty}/cancel", Json("{\"reason\":\"x\"}"), HttpStatusCode.BadRequest),
        ["cancel: no reason"] = new(HttpMethod.Post, $"{W}/instances/{Unknown}/cancel", Json("{}"), HttpStatusCode.BadRequest),
        ["cancel: no body"] = new(HttpMethod.Post, $"{W}/instances/{Unknown}/cancel", NoBody, HttpStatusCode.BadRequest),
        ["cancel: reason is a number"] = new(HttpMethod.Post, $"{W}/instances/{Unknown}/cancel", Json("{\"reason\":42}"), HttpStatusCode.BadRequest),
        ["cancel: unknown instance"] = new(HttpMethod.Post, $"{W}/instances/{Unknown}/cancel", Json("{\"reason\":\"Doublon\"}"), HttpStatusCode.NotFound),

        // Tasks
        ["claim: id not a GUID"] = new(HttpMethod.Post, $"{W}/tasks/123/claim", NoBody, HttpStatusCode.NotFound),
        ["claim: empty GUID"] = new(HttpMethod.Post, $"{W}/tasks/{Empty}/claim", NoBody, HttpStatusCode.BadRequest),
        ["claim: unknown task"] = new(HttpMethod.Post, $"{W}/tasks/{Unknown}/claim", NoBody, HttpStatusCode.NotFound),
        ["unclaim: unknown task"] = new(HttpMethod.Post, $"{W}/tasks/{Unknown}/unclaim", NoBody, HttpStatusCode.NotFound),
        ["unclaim: id not a GUID"] = new(HttpMethod.Post, $"{W}/tasks/x/unclaim", NoBody, HttpStatusCode.NotFound),
        ["assign: no assignee"] = new(HttpMethod.Post, $"{W}/tasks/{Unknown}/assign", Json("{}"), HttpStatusCode.BadRequest),
        ["assign: no body"] = new(HttpMethod.Post, $"{W}/tasks/{Unknown}/assign", NoBody, HttpStatusCode.BadRequest),
        ["assign: assignee is a list"] = new(HttpMethod.Post, $"{W}/tasks/{Unknown}/assign", Json("{\"assignee\":[\"a\"]}"), HttpStatusCode.BadRequest),
        ["assign: unknown task"] = new(HttpMethod.Post, $"{W}/tasks/{Unknown}/assign", Json("{\"assignee\":\"marie\"}"), HttpStatusCode.NotFound),
        ["complete: variables is a number"] = new(HttpMethod.Post, $"{W}/tasks/{Unknown}/complete", Json("{\"variables\":42}"), HttpStatusCode.BadRequest),
        ["complete: malformed JSON"] = new(HttpMethod.Post, $"{W}/tasks/{Unknown}/complete", Json("{\"variables\":{"), HttpStatusCode.BadRequest),
        ["complete: text/plain"] = new(HttpMethod.Post, $"{W}/tasks/{Unknown}/complete", Text("variables", "text/plain"), HttpStatusCode.UnsupportedMediaType),
        ["complete: variable without name"] = new(HttpMethod.Post, $"{W}/tasks/{Unknown}/complete", Json("{\"variables\":{\" \":1}}"), HttpStatusCode.BadRequest),
        ["complete: empty GUID"] = new(HttpMethod.Post, $"{W}/tasks/{Empty}/complete", Json("{}"), HttpStatusCode.BadRequest),
        ["complete: unknown task"] = new(HttpMethod.Post, $"{W}/tasks/{Unknown}/complete", Json("{\"variables\":{\"a\":1}}"), HttpStatusCode.NotFound),
        ["complete: id not a GUID"] = new(HttpMethod.Post, $"{W}/tasks/not-a-guid/complete", Json("{}"), HttpStatusCode.NotFound),

        // Messages
        ["message: no name"] = new(HttpMethod.Post, $"{W}/messages", Json("{}"), HttpStatusCode.BadRequest),
        ["message: no body"] = new(HttpMethod.Post, $"{W}/messages", NoBody, HttpStatusCode.BadRequest),
        ["message: variables is a string"] = new(HttpMethod.Post, $"{W}/messages", Json("{\"messageName\":\"m\",\"variables\":\"x\"}"), HttpStatusCode.BadRequest),
        ["message: nobody waits"] = new(HttpMethod.Post, $"{W}/messages", Json("{\"messageName\":\"personne\",\"businessKey\":\"b\"}"), HttpStatusCode.NotFound),

        // Incidents
        ["retry: id not a GUID"] = new(HttpMethod.Post, $"{W}/incidents/x/retry", NoBody, HttpStatusCode.NotFound),
        ["retry: empty GUID"] = new(HttpMethod.Post, $"{W}/incidents/{Empty}/retry", NoBody, HttpStatusCode.BadRequest),
        ["retry: unknown incident"] = new(HttpMethod.Post, $"{W}/incidents/{Unknown}/retry", NoBody, HttpStatusCode.NotFound),

        // Intake
        ["intake: malformed JSON"] = new(HttpMethod.Post, "/api/intake", Json("{"), HttpStatusCode.BadRequest),
        ["intake: empty object"] = new(HttpMethod.Post, "/api/intake", Json("{}"), HttpStatusCode.BadRequest),
        ["intake: no body"] = new(HttpMethod.Post, "/api/intake", NoBody, HttpStatusCode.BadRequest),
        ["intake: impossible date"] = new(HttpMethod.Post, "/api/intake", Json("{\"firstName\":\"A\",\"lastName\":\"B\",\"birthDate\":\"1980-13-45\",\"communeInseeCode\":\"59183\"}"), HttpStatusCode.BadRequest),
        ["intake: date is a number"] = new(HttpMethod.Post, "/api/intake", Json("{\"firstName\":\"A\",\"lastName\":\"B\",\"birthDate\":19800101,\"communeInseeCode\":\"59183\"}"), HttpStatusCode.BadRequest),
        ["intake: born in the future"] = new(HttpMethod.Post, "/api/intake", Json("{\"firstName\":\"A\",\"lastName\":\"B\",\"birthDate\":\"2999-01-01\",\"communeInseeCode\":\"59183\"}"), HttpStatusCode.BadRequest),
        ["intake: NUL character"] = new(HttpMethod.Post, "/api/intake", Json("{\"firstName\":\"A\\u0000\",\"lastName\":\"B\",\"birthDate\":\"1980-01-01\",\"communeInseeCode\":\"59183\"}"), HttpStatusCode.BadRequest),

        // Queries
        ["tasks: page size too large"] = new(HttpMethod.Get, $"{W}/tasks?pageSize=100000", NoBody, HttpStatusCode.BadRequest),
        ["tasks: page size zero"] = new(HttpMethod.Get, $"{W}/tasks?pageSize=0", NoBody, HttpStatusCode.BadRequest),
        ["tasks: page zero"] = new(HttpMethod.Get, $"{W}/tasks?page=0", NoBody, HttpStatusCode.BadRequest),
        ["tasks: page beyond int"] = new(HttpMethod.Get, $"{W}/tasks?page=99999999999", NoBody, HttpStatusCode.BadRequest),
        ["tasks: page far away"] = new(HttpMethod.Get, $"{W}/tasks?page=2000000000&pageSize=200", NoBody, HttpStatusCode.BadRequest),
        ["tasks: page size not a number"] = new(HttpMethod.Get, $"{W}/tasks?pageSize=abc", NoBody, HttpStatusCode.BadRequest),
        ["tasks: overdue not a boolean"] = new(HttpMethod.Get, $"{W}/tasks?overdue=peut-etre", NoBody, HttpStatusCode.BadRequest),
        ["tasks: due before not a date"] = new(HttpMethod.Get, $"{W}/tasks?dueBefore=demain", NoBody, HttpStatusCode.BadRequest),
        ["tasks: NUL character"] = new(HttpMethod.Get, $"{W}/tasks?assignee=a%00b", NoBody, HttpStatusCode.BadRequest),
        ["task: id not a GUID"] = new(HttpMethod.Get, $"{W}/tasks/abc", NoBody, HttpStatusCode.NotFound),
        ["task: empty GUID"] = new(HttpMethod.Get, $"{W}/tasks/{Empty}", NoBody, HttpStatusCode.BadRequest),
        ["instances: unknown state"] = new(HttpMethod.Get, $"{W}/instances?state=Bizarre", NoBody, HttpStatusCode.BadRequest),
        ["instances: state as number"] = new(HttpMethod.Get, $"{W}/instances?state=1", NoBody, HttpStatusCode.BadRequest),
        ["instances: page size too large"] = new(HttpMethod.Get, $"{W}/instances?pageSize=201", NoBody, HttpStatusCode.BadRequest),
        ["instance: unknown"] = new(HttpMethod.Get, $"{W}/instances/{Unknown}", NoBody, HttpStatusCode.NotFound),
        ["instance: id not a GUID"] = new(HttpMethod.Get, $"{W}/instances/12", NoBody, HttpStatusCode.NotFound),
        ["history: unknown instance"] = new(HttpMethod.Get, $"{W}/instances/{Unknown}/history", NoBody, HttpStatusCode.NotFound),
        ["history: page size too large"] = new(HttpMethod.Get, $"{W}/instances/{Unknown}/history?pageSize=1000", NoBody, HttpStatusCode.BadRequest),
        ["incidents: instance id not a GUID"] = new(HttpMethod.Get, $"{W}/incidents?instanceId=xyz", NoBody, HttpStatusCode.BadRequest),
        ["incidents: include resolved not a boolean"] = new(HttpMethod.Get, $"{W}/incidents?includeResolved=oui", NoBody, HttpStatusCode.BadRequest),
        ["definition xml: version zero"] = new(HttpMethod.Get, $"{W}/definitions/intake/xml?version=0", NoBody, HttpStatusCode.BadRequest),
        ["definition xml: version not a number"] = new(HttpMethod.Get, $"{W}/definitions/intake/xml?version=deux", NoBody, HttpStatusCode.BadRequest),
        ["definition xml: unknown key"] = new(HttpMethod.Get, $"{W}/definitions/inconnu/xml", NoBody, HttpStatusCode.NotFound),

        // Addresses and methods
        ["wrong method"] = new(HttpMethod.Get, $"{W}/tasks/{Unknown}/claim", NoBody, HttpStatusCode.MethodNotAllowed),
        ["wrong method on a list"] = new(HttpMethod.Delete, $"{W}/instances", NoBody, HttpStatusCode.MethodNotAllowed),
        ["unknown address"] = new(HttpMethod.Get, $"{W}/inconnu", NoBody, HttpStatusCode.NotFound),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_requests_get_a_french_problem_details(string name)
    {
        var c = Cases[name];
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(c.Method, c.Url) { Content = c.Content() };

        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == c.Expected, $"{name}: expected {(int)c.Expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        var detail = (string?)problem["detail"];
        output.WriteLine($"{(int)response.StatusCode} {problem["title"]} — {detail}");
        Assert.False(string.IsNullOrWhiteSpace(detail), body);
        Assert.DoesNotMatch(EnglishFrameworkMessage(), detail!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]), body);
    }

    [Theory]
    [InlineData("/api/workflow/inconnu", HttpStatusCode.NotFound)]
    [InlineData("/api/workflow/tasks?pageSize=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/workflow/tasks/00000000-0000-0000-0000-000000000001", HttpStatusCode.NotFound)]
    public async Task A_client_asking_for_html_still_gets_a_problem_details(string url, HttpStatusCode expected)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace((string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]));
    }

    [GeneratedRegex("Failed to|Required parameter|Implicit body|Expected a supported|was not provided|Not Found|Bad Request")]
    private static partial Regex EnglishFrameworkMessage();
}
