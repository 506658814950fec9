using System.Net;
using Plie.Application.Common;

namespace Plie.Web.Tests;

/// <summary>/api/supervision: for the superviseur, the responsable and the administrateur only; French problems for bad input.</summary>
public sealed class SupervisionApiTests : ApiTestBase
{
    private static readonly string Conseiller = TestAuthHandler.Value("conseiller.dunkerque", "Dunkerque-Centre", PlieRoles.Conseiller);
    private static readonly string Superviseur = TestAuthHandler.Value("superviseur", null, PlieRoles.Superviseur);
    private static readonly string Responsable = TestAuthHandler.Value("responsable", null, PlieRoles.ResponsableAccompagnement);

    private async Task<Guid> OrientAsync()
    {
        using var created = await SendAsAsync(Conseiller, HttpMethod.Post, "/api/intake",
            new { firstName = "Karima", lastName = "Benali", birthDate = "1980-05-17", communeInseeCode = "59183" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return Guid.Parse((string)(await JsonAsync(created))["processInstanceId"]!);
    }

    [Theory]
    [InlineData("GET", "/api/supervision/stalled-cases")]
    [InlineData("GET", "/api/supervision/heatmap/intake")]
    [InlineData("GET", "/api/supervision/heatmap/intake/cases?element=Task_FirstInterview")]
    [InlineData("GET", "/api/supervision/dashboard")]
    [InlineData("POST", "/api/supervision/cases/6f1c1d1e-0000-4000-8000-000000000001/comments")]
    public async Task A_conseiller_is_refused_every_supervision_endpoint(string method, string url)
    {
        using var response = await SendAsAsync(Conseiller, new HttpMethod(method), url, method == "POST" ? new { text = "x" } : null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_superviseur_lists_the_cases_at_a_step_and_reads_the_heatmap_and_the_dashboard()
    {
        var instanceId = await OrientAsync();

        using (var stalled = await SendAsAsync(Superviseur, HttpMethod.Get, "/api/supervision/stalled-cases?reasons=Overdue,Idle"))
        {
            Assert.Equal(HttpStatusCode.OK, stalled.StatusCode);
            Assert.Equal(0, (int)(await JsonAsync(stalled))["total"]!); // just oriented: neither late nor idle
        }
        using (var atStep = await SendAsAsync(Responsable, HttpMethod.Get, "/api/supervision/heatmap/intake/cases?element=Task_FirstInterview"))
        {
            var page = await JsonAsync(atStep);
            var row = Assert.Single(page["items"]!.AsArray());
            Assert.Equal(instanceId.ToString(), (string?)row!["instanceId"]);
            Assert.Equal("Karima BENALI", (string?)row["participantName"]);
        }
        using (var heatmap = await SendAsAsync(Superviseur, HttpMethod.Get, "/api/supervision/heatmap/intake"))
        {
            var element = Assert.Single((await JsonAsync(heatmap))["elements"]!.AsArray());
            Assert.Equal(("Task_FirstInterview", 1, 0), ((string?)element!["elementId"], (int)element["waiting"]!, (int)element["late"]!));
        }
        using (var dashboard = await SendAsAsync(Superviseur, HttpMethod.Get, "/api/supervision/dashboard?weeks=2"))
            Assert.Equal(2, (await JsonAsync(dashboard))["weeks"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_comment_is_saved_and_bad_input_gets_a_french_problem()
    {
        var instanceId = await OrientAsync();

        using (var comment = await SendAsAsync(Responsable, HttpMethod.Post, $"/api/supervision/cases/{instanceId}/comments", new { text = "Relancée." }))
        {
            Assert.Equal(HttpStatusCode.OK, comment.StatusCode);
            Assert.Equal("responsable", (string?)(await JsonAsync(comment))["userId"]);
        }
        using (var empty = await SendAsAsync(Responsable, HttpMethod.Post, $"/api/supervision/cases/{instanceId}/comments", new { text = " " }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Contains("Le commentaire est vide.", await empty.Content.ReadAsStringAsync());
        }
        using (var missing = await SendAsAsync(Responsable, HttpMethod.Post, $"/api/supervision/cases/{Guid.NewGuid()}/comments", new { text = "x" }))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var reason = await SendAsAsync(Superviseur, HttpMethod.Get, "/api/supervision/stalled-cases?reasons=Bloque"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, reason.StatusCode);
            Assert.Contains("Motif inconnu", await reason.Content.ReadAsStringAsync());
        }
        using (var sort = await SendAsAsync(Superviseur, HttpMethod.Get, "/api/supervision/stalled-cases?sort=nimporte"))
            Assert.Equal(HttpStatusCode.BadRequest, sort.StatusCode);
        using (var unknown = await SendAsAsync(Superviseur, HttpMethod.Get, "/api/supervision/heatmap/inconnu"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var weeks = await SendAsAsync(Superviseur, HttpMethod.Get, "/api/supervision/dashboard?weeks=0"))
            Assert.Equal(HttpStatusCode.BadRequest, weeks.StatusCode);
    }
}
