using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Plie.Web.Tests;

/// <summary>The designer's API: the procedures' manager only, drafts on the server, publish, compare, French problems.</summary>
public sealed class DesignerApiTests : ApiTestBase
{
    private static readonly string Gestionnaire = TestAuthHandler.Value("gestionnaire", null, ["gestionnaire-procedures"]);
    private static readonly string Conseiller = TestAuthHandler.Value("conseiller.dunkerque", "Dunkerque-Centre", ["conseiller"]);

    private Task<HttpResponseMessage> PutXmlAsync(string user, string url, string body, string contentType = "application/xml",
        string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Add(TestAuthHandler.Header, user);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return Client.SendAsync(request);
    }

    [Fact]
    public async Task A_save_with_the_revision_read_is_refused_with_409_when_someone_else_saved_the_draft_since()
    {
        using (var first = await PutXmlAsync(Gestionnaire, "/api/designer/processes/api-review/draft", Models.Review(), ifMatch: "\"0\""))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var read = await SendAsAsync(Gestionnaire, HttpMethod.Get, "/api/designer/processes/api-review/draft");
        var revision = (int)(await JsonAsync(read))["revision"]!;
        Assert.Equal(1, revision);

        // Another manager saves in between; the first one's save, based on revision 1, is refused and loses nothing.
        using (var other = await PutXmlAsync(Gestionnaire, "/api/designer/processes/api-review/draft", Models.Review().Replace("Review", "Relecture"),
                   ifMatch: $"\"{revision}\""))
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        using (var stale = await PutXmlAsync(Gestionnaire, "/api/designer/processes/api-review/draft", Models.Review(), ifMatch: $"W/\"{revision}\""))
            await AssertProblemAsync(stale, HttpStatusCode.Conflict, "a enregistré ce brouillon");
        using (var staleNew = await PutXmlAsync(Gestionnaire, "/api/designer/processes/api-review/draft", Models.Review(), ifMatch: "0"))
            await AssertProblemAsync(staleNew, HttpStatusCode.Conflict, "depuis que vous avez ouvert la procédure");
        using (var kept = await SendAsAsync(Gestionnaire, HttpMethod.Get, "/api/designer/processes/api-review/draft"))
        {
            var body = await JsonAsync(kept);
            Assert.Equal(2, (int)body["revision"]!);
            Assert.Contains("Relecture", (string?)body["xml"]);
        }
        using (var garbage = await PutXmlAsync(Gestionnaire, "/api/designer/processes/api-review/draft", Models.Review(), ifMatch: "\"deux\""))
            await AssertProblemAsync(garbage, HttpStatusCode.BadRequest, "If-Match");
    }

    [Fact]
    public async Task A_conseiller_gets_403_on_every_designer_endpoint()
    {
        foreach (var (method, url) in new[]
                 {
                     (HttpMethod.Get, "/api/designer/processes"), (HttpMethod.Get, "/api/designer/catalogue"),
                     (HttpMethod.Get, "/api/designer/processes/intake/draft"), (HttpMethod.Post, "/api/designer/processes/intake/publish"),
                     (HttpMethod.Post, "/api/designer/processes/intake/validate"), (HttpMethod.Delete, "/api/designer/processes/intake/draft"),
                     (HttpMethod.Get, "/api/designer/processes/intake/versions/1/xml"), (HttpMethod.Get, "/api/designer/processes/intake/diff?from=1"),
                 })
        {
            using var response = await SendAsAsync(Conseiller, method, url);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {url}: {(int)response.StatusCode}");
        }
        using var put = await PutXmlAsync(Conseiller, "/api/designer/processes/intake/draft", Models.Review("intake"));
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
    }

    [Fact]
    public async Task The_manager_saves_a_draft_of_intake_validates_it_and_publishes_version_two()
    {
        using (var list = await SendAsAsync(Gestionnaire, HttpMethod.Get, "/api/designer/processes"))
        {
            var intake = Assert.Single((await JsonAsync(list)).AsArray(), p => (string?)p!["key"] == "intake")!;
            Assert.Equal(1, (int)intake["latestVersion"]!);
            Assert.Null(intake["draft"]);
        }
        using var current = await SendAsAsync(Gestionnaire, HttpMethod.Get, "/api/designer/processes/intake/draft");
        var xml = (string)(await JsonAsync(current))["xml"]!;

        var changed = xml.Replace("name=\"Avis du conseiller\"", "name=\"Avis motivé du conseiller\"");
        using (var saved = await PutXmlAsync(Gestionnaire, "/api/designer/processes/intake/draft", changed))
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        using (var valid = await SendAsAsync(Gestionnaire, HttpMethod.Post, "/api/designer/processes/intake/validate"))
            Assert.True((bool)(await JsonAsync(valid))["valid"]!);

        using (var diff = await SendAsAsync(Gestionnaire, HttpMethod.Get, "/api/designer/processes/intake/diff?from=1&to=brouillon"))
        {
            var change = Assert.Single((await JsonAsync(diff))["changes"]!.AsArray())!;
            Assert.Equal("Task_CounsellorOpinion", (string?)change["elementId"]);
            Assert.Equal("Changed", (string?)change["kind"]);
        }

        using (var published = await SendAsAsync(Gestionnaire, HttpMethod.Post, "/api/designer/processes/intake/publish"))
        {
            Assert.Equal(HttpStatusCode.OK, published.StatusCode);
            var body = await JsonAsync(published);
            Assert.Equal((2, true), ((int)body["version"]!, (bool)body["created"]!));
        }

        using var download = await SendAsAsync(Gestionnaire, HttpMethod.Get, "/api/designer/processes/intake/versions/2/xml");
        Assert.Equal("application/xml", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("intake-v2.bpmn", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName);
        Assert.Contains("Avis motivé du conseiller", await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Malformed_input_gets_a_french_problem_never_a_500()
    {
        using (var notXml = await PutXmlAsync(Gestionnaire, "/api/designer/processes/intake/draft", "pas du xml <"))
            await AssertProblemAsync(notXml, HttpStatusCode.BadRequest, "n'est pas un document XML lisible");
        using (var json = await PutXmlAsync(Gestionnaire, "/api/designer/processes/intake/draft", "{}", "application/json"))
            await AssertProblemAsync(json, HttpStatusCode.UnsupportedMediaType, "Type de contenu non pris en charge");
        using (var badKey = await PutXmlAsync(Gestionnaire, "/api/designer/processes/2%20cl%C3%A9s/draft", Models.Review()))
            await AssertProblemAsync(badKey, HttpStatusCode.BadRequest, "La clé du processus commence par une lettre");
        using (var nothing = await SendAsAsync(Gestionnaire, HttpMethod.Post, "/api/designer/processes/intake/publish"))
            await AssertProblemAsync(nothing, HttpStatusCode.NotFound, "n'a pas de brouillon");
        using (var badVersion = await SendAsAsync(Gestionnaire, HttpMethod.Get, "/api/designer/processes/intake/diff?from=un&to=2"))
            await AssertProblemAsync(badVersion, HttpStatusCode.BadRequest, "numéro de version");
        using (var taken = await SendAsAsync(Gestionnaire, HttpMethod.Post, "/api/designer/processes", new { key = "intake", name = "Doublon" }))
            await AssertProblemAsync(taken, HttpStatusCode.Conflict, "existe déjà");

        // Invalid but well-formed: saved (work in progress), refused at publish with the element in error.
        var broken = Models.Review().Replace("<bpmn:sequenceFlow id=\"f2\" sourceRef=\"review\" targetRef=\"end\" />", "");
        using (var saved = await PutXmlAsync(Gestionnaire, "/api/designer/processes/api-review/draft", broken))
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        using var refused = await SendAsAsync(Gestionnaire, HttpMethod.Post, "/api/designer/processes/api-review/publish");
        var problem = await AssertProblemAsync(refused, HttpStatusCode.BadRequest, "invalide");
        Assert.NotEmpty(problem["errors"]!.AsArray());
    }

    private static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!;
        Assert.Contains(message, (string?)body["detail"]);
        return body;
    }
}
