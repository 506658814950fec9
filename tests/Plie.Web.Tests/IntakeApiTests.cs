using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Plie.Domain.Participants;
using Plie.Infrastructure.Persistence;

namespace Plie.Web.Tests;

public sealed class IntakeApiTests : ApiTestBase
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task An_eligible_person_reaches_the_documents_review()
    {
        var (participantId, instanceId) = await OrientAsync(new DateOnly(1980, 4, 12));

        await ValidateIntakeAsync(participantId, instanceId);
        Assert.Equal(1, await App.RunDueJobsAsync());

        var details = await GetJsonAsync($"/api/workflow/instances/{instanceId}");
        Assert.Equal("Running", (string?)details["instance"]!["state"]);
        var review = Assert.Single(details["openTasks"]!.AsArray())!;
        Assert.Equal("Task_DocumentsReview", (string?)review["elementId"]);
        Assert.Equal("Contrôle des pièces justificatives", (string?)review["name"]);
        Assert.Equal(["statistiques"], review["candidateGroups"]!.AsArray().Select(g => (string?)g));
        Assert.True((bool)details["variables"]!["eligible"]!);
        Assert.Empty((await GetJsonAsync("/api/workflow/incidents"))["items"]!.AsArray());
        Assert.Single((await GetJsonAsync("/api/workflow/tasks?candidateGroups=statistiques"))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_person_under_26_is_refused_with_the_reason()
    {
        var (participantId, instanceId) = await OrientAsync(Today.AddYears(-26).AddDays(1));

        await ValidateIntakeAsync(participantId, instanceId);
        Assert.Equal(1, await App.RunDueJobsAsync());

        var details = await GetJsonAsync($"/api/workflow/instances/{instanceId}");
        Assert.Equal("Completed", (string?)details["instance"]!["state"]);
        Assert.Empty(details["openTasks"]!.AsArray());
        Assert.False((bool)details["variables"]!["eligible"]!);
        Assert.Contains("25 ans", (string?)details["variables"]!["eligibilityReasons"]);
        var history = await GetJsonAsync($"/api/workflow/instances/{instanceId}/history?pageSize=200");
        Assert.Contains(history["items"]!.AsArray(), h => (string?)h!["elementId"] == "End_Ineligible");

        await using var scope = App.Services.CreateAsyncScope();
        var participant = await scope.ServiceProvider.GetRequiredService<PlieDbContext>().Participants.AsNoTracking()
            .SingleAsync(p => p.Id == participantId);
        Assert.Equal(ParticipantStatus.Refused, participant.Status);
        Assert.Contains("25 ans", participant.RefusalReason);
    }

    [Fact]
    public async Task An_incomplete_orientation_is_refused_with_the_fields_to_fix()
    {
        using var response = await Client.PostAsJsonAsync("/api/intake",
            new { firstName = "", lastName = "Martin", birthDate = "1980-01-01", communeInseeCode = "5918" });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["firstName"]);
        Assert.NotNull(problem["errors"]!["communeInseeCode"]);
        Assert.Empty((await GetJsonAsync("/api/workflow/instances?processKey=intake"))["items"]!.AsArray());
    }

    private async Task<(Guid ParticipantId, Guid InstanceId)> OrientAsync(DateOnly birthDate)
    {
        using var response = await Client.PostAsJsonAsync("/api/intake", new
        {
            firstName = "Camille", lastName = "Vandamme", birthDate, communeInseeCode = "59183",
            address = "1 place Charles Valentin", phone = "0328000000", email = "camille@example.org", antenne = "Dunkerque-Centre",
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await JsonAsync(response);
        var instanceId = Id(body, "processInstanceId");
        Assert.Equal($"/api/workflow/instances/{instanceId}", response.Headers.Location?.PathAndQuery);
        return (Id(body, "participantId"), instanceId);
    }

    /// <summary>Entretiens de 1er accueil, avis du conseiller, validation by the Responsable: all through the API.</summary>
    private async Task ValidateIntakeAsync(Guid participantId, Guid instanceId)
    {
        var inbox = await GetJsonAsync($"/api/workflow/tasks?candidateGroups=conseiller&businessKey={participantId}");
        var firstInterview = Assert.Single(inbox["items"]!.AsArray())!;
        Assert.Equal("Task_FirstInterview", (string?)firstInterview["elementId"]);
        Assert.Equal("test.admin", (string?)firstInterview["assignee"]); // the conseiller who oriented the person
        await CompleteAsync(Id(firstInterview), new { interviewNotes = "Projet : métiers de la logistique." });

        await CompleteAsync(await SingleOpenTaskAsync(instanceId, "Task_CounsellorOpinion"), new { counsellorOpinion = "favorable" });

        var validation = Assert.Single((await GetJsonAsync("/api/workflow/tasks?candidateGroups=responsable-accompagnement"))["items"]!.AsArray())!;
        Assert.Equal("Task_Validation", (string?)validation["elementId"]);
        using (var claim = await PostJsonAsync($"/api/workflow/tasks/{Id(validation)}/claim"))
            Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        await CompleteAsync(Id(validation), new { validationDecision = "validate" });

        // The eligibility check runs in the background (asyncBefore): nothing to do until the job runs.
        var details = await GetJsonAsync($"/api/workflow/instances/{instanceId}");
        Assert.Empty(details["openTasks"]!.AsArray());
        Assert.Equal(["Task_CheckEligibility"], details["activeElementIds"]!.AsArray().Select(e => (string?)e));
    }
}
