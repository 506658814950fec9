using System.Net;
using System.Text.Json.Nodes;
using Plie.Application.Common;

namespace Plie.Web.Tests;

public sealed class MigrationApiTests : ApiTestBase
{
    [Fact]
    public async Task The_view_of_an_instance_gives_its_diagram_path_french_history_and_the_actions_allowed()
    {
        var xml = Models.Review();
        await DeployOkAsync(xml);
        var instanceId = Id(await StartAsync("api-review", new { montant = 1200 }));
        await DeployOkAsync(Models.Review(name: "Relecture, version 2"));

        var view = await GetJsonAsync($"/api/workflow/instances/{instanceId}/view");

        Assert.Equal(xml, (string?)view["xml"]);
        Assert.Equal(["review"], view["activeElementIds"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(["start", "f1"], view["completedElementIds"]!.AsArray().Select(e => (string?)e));
        Assert.Contains(view["history"]!.AsArray(), h => (string?)h!["what"] == "Procédure démarrée (version 1)");
        Assert.Contains(view["history"]!.AsArray(), h => (string?)h!["what"] == "Tâche créée : Relire le dossier");
        Assert.Equal(1200, (int)view["variables"]!["montant"]!);
        var task = Assert.Single(view["openTasks"]!.AsArray())!;
        Assert.Equal(["testeurs", "relecteurs"], task["candidateGroups"]!.AsArray().Select(g => (string?)g));
        Assert.Equal([2], view["newerVersions"]!.AsArray().Select(v => (int)v!["version"]!));
        Assert.True((bool)view["actions"]!["migrate"]!);
        Assert.True((bool)view["actions"]!["reassign"]!);
        Assert.False((bool)view["actions"]!["retry"]!);

        await AssertProblemAsync(await Client.GetAsync($"/api/workflow/instances/{Guid.NewGuid()}/view"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Migrating_moves_the_instance_when_its_step_still_exists_and_answers_409_naming_the_step_otherwise()
    {
        await DeployOkAsync(Models.Review());
        var instanceId = Id(await StartAsync("api-review"));
        await DeployOkAsync(Models.Review(name: "Relecture, version 2"));
        await DeployOkAsync(Models.ReviewReplaced);

        var conseiller = TestAuthHandler.Value("conseiller.test", "Dunkerque-Centre", PlieRoles.Conseiller);
        using (var forbidden = await SendAsAsync(conseiller, HttpMethod.Post, $"/api/workflow/instances/{instanceId}/migrate", new { targetVersion = 2 }))
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using (var refused = await PostJsonAsync($"/api/workflow/instances/{instanceId}/migrate", new { targetVersion = 3 }))
        {
            var problem = await AssertProblemAsync(refused, HttpStatusCode.Conflict);
            Assert.Equal("Migration impossible", (string?)problem["title"]);
            Assert.Contains("« Relire le dossier » (review) n'existe pas dans la version 3", (string?)problem["detail"]);
        }
        await AssertProblemAsync(await PostJsonAsync($"/api/workflow/instances/{instanceId}/migrate", new { targetVersion = 9 }), HttpStatusCode.NotFound);

        using (var migrated = await PostJsonAsync($"/api/workflow/instances/{instanceId}/migrate", new { targetVersion = 2 }))
        {
            Assert.Equal(HttpStatusCode.OK, migrated.StatusCode);
            var result = await JsonAsync(migrated);
            Assert.True((bool)result["migrated"]!);
            Assert.Equal(1, (int)result["fromVersion"]!);
        }
        var details = await GetJsonAsync($"/api/workflow/instances/{instanceId}");
        Assert.Equal(2, (int)details["instance"]!["processVersion"]!);
        var history = (await GetJsonAsync($"/api/workflow/instances/{instanceId}/view"))["history"]!.AsArray();
        var entry = Assert.Single(history, h => (string?)h!["type"] == "InstanceMigrated")!;
        Assert.Equal("Migrée de la version 1 à la version 2", (string?)entry["what"]);
        Assert.Equal("test.admin", (string?)entry["userId"]);
    }

    [Fact]
    public async Task Migrating_a_version_answers_one_result_per_running_instance()
    {
        await DeployOkAsync(Models.Review());
        var first = Id(await StartAsync("api-review"));
        var second = Id(await StartAsync("api-review"));
        await DeployOkAsync(Models.ReviewReplaced);

        using var response = await PostJsonAsync("/api/workflow/definitions/api-review/migrate", new { fromVersion = 1, toVersion = 2 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await JsonAsync(response)).AsArray();
        Assert.Equal([first, second], results.Select(r => Id(r, "instanceId")).Order());
        Assert.All(results, r =>
        {
            Assert.False((bool)r!["migrated"]!);
            Assert.Contains("review", (string?)r["refusal"]);
        });
        await AssertProblemAsync(await PostJsonAsync("/api/workflow/definitions/api-review/migrate", new { fromVersion = 1, toVersion = 1 }),
            HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Checking_a_version_migration_names_the_refusals_and_moves_nothing_then_the_manager_migrates()
    {
        await DeployOkAsync(Models.Review());
        var instanceId = Id(await StartAsync("api-review"));
        await DeployOkAsync(Models.Review(name: "Relecture, version 2"));
        await DeployOkAsync(Models.ReviewReplaced);
        var gestionnaire = TestAuthHandler.Value("gestionnaire.test", null, PlieRoles.GestionnaireProcedures);

        using (var check = await SendAsAsync(gestionnaire, HttpMethod.Post, "/api/workflow/definitions/api-review/migrate/check",
                   new { fromVersion = 1, toVersion = 3 }))
        {
            Assert.Equal(HttpStatusCode.OK, check.StatusCode);
            var plan = await JsonAsync(check);
            Assert.Equal(0, (int)plan["movable"]!);
            var refused = Assert.Single(plan["cases"]!.AsArray())!;
            Assert.Equal(instanceId, Id(refused, "instanceId"));
            Assert.False((bool)refused["canMigrate"]!);
            Assert.Contains("n'existe pas dans la version 3", (string?)refused["refusal"]);
        }
        Assert.Equal(1, (int)(await GetJsonAsync($"/api/workflow/instances/{instanceId}"))["instance"]!["processVersion"]!);

        using (var migrated = await SendAsAsync(gestionnaire, HttpMethod.Post, "/api/workflow/definitions/api-review/migrate",
                   new { fromVersion = 1, toVersion = 2 }))
        {
            Assert.Equal(HttpStatusCode.OK, migrated.StatusCode);
            Assert.True((bool)(await JsonAsync(migrated)).AsArray().Single()!["migrated"]!);
        }
        Assert.Equal(2, (int)(await GetJsonAsync($"/api/workflow/instances/{instanceId}"))["instance"]!["processVersion"]!);
    }

    [Fact]
    public async Task Whole_version_migration_refuses_a_conseiller_and_bad_input_with_a_problem()
    {
        await DeployOkAsync(Models.Review());
        await StartAsync("api-review");
        await DeployOkAsync(Models.Review(name: "Relecture, version 2"));
        var conseiller = TestAuthHandler.Value("conseiller.test", "Dunkerque-Centre", PlieRoles.Conseiller);

        foreach (var url in new[] { "/api/workflow/definitions/api-review/migrate", "/api/workflow/definitions/api-review/migrate/check" })
        {
            using (var forbidden = await SendAsAsync(conseiller, HttpMethod.Post, url, new { fromVersion = 1, toVersion = 2 }))
                Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            var same = await AssertProblemAsync(await PostJsonAsync(url, new { fromVersion = 2, toVersion = 2 }), HttpStatusCode.BadRequest);
            Assert.Equal("La version cible doit être différente de la version de départ.", (string?)same["errors"]!["toVersion"]![0]);
            await AssertProblemAsync(await PostJsonAsync(url, new { fromVersion = 0, toVersion = 2 }), HttpStatusCode.BadRequest);
            await AssertProblemAsync(await PostJsonAsync(url.Replace("api-review", "inconnue"), new { fromVersion = 1, toVersion = 2 }),
                HttpStatusCode.NotFound);
            await AssertProblemAsync(await PostJsonAsync(url, new { fromVersion = 1, toVersion = 9 }), HttpStatusCode.NotFound);
            using var notJson = await Client.PostAsync(url, new StringContent("{ pas du json", System.Text.Encoding.UTF8, "application/json"));
            await AssertProblemAsync(notJson, HttpStatusCode.BadRequest);
        }
        var versions = (await GetJsonAsync("/api/workflow/definitions")).AsArray().Single(d => (string?)d!["key"] == "api-review")!["versions"]!;
        Assert.Equal(1, (int)versions.AsArray().Single(v => (int)v!["version"]! == 1)!["runningInstances"]!); // nothing moved
    }
}
