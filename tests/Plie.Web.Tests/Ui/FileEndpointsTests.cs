using System.Net;
using Plie.Application.Intake.Contract;
using Plie.Application.Intake.CounsellorOpinion;
using Plie.Application.Intake.Documents;
using Plie.Application.Intake.FirstInterviews;
using Plie.Application.Intake.Validation;
using Plie.Testing;

namespace Plie.Web.Tests.Ui;

/// <summary>GET /fichiers/…: the documents and the signed contract of a file, for the UI's previews and links.</summary>
public sealed class FileEndpointsTests : UiTestBase
{
    [Fact]
    public async Task A_document_is_shown_inline_with_its_type_to_those_who_may_see_its_file()
    {
        var started = await Use.OrientAsync(TestPrincipal.ConseillerDunkerque, "Camille", "Vandamme", "Dunkerque-Centre");
        var png = TestFiles.SignaturePng();
        var uploaded = await SendAs(TestPrincipal.ConseillerDunkerque, s => s.Send(
            new UploadDocumentCommand(started.ParticipantId, "justificatif-domicile", "facture été.png", png)));
        var url = $"/fichiers/documents/{uploaded.DocumentId}";

        using (var response = await GetAs(TestPrincipal.ConseillerDunkerque, url))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("facture été.png", response.Content.Headers.ContentDisposition?.FileNameStar);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.True(response.Headers.CacheControl?.NoStore);
            Assert.Equal(png, await response.Content.ReadAsByteArrayAsync());
        }

        // Another antenne's conseiller may not see the file: as if the document did not exist.
        using (var other = await GetAs(TestPrincipal.ConseillerGrandeSynthe, url))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        using (var anonymous = await GetAs(null, url))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var unknown = await GetAs(TestPrincipal.ConseillerDunkerque, $"/fichiers/documents/{Guid.NewGuid()}"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_signed_contract_is_a_pdf_shown_inline()
    {
        var conseiller = TestPrincipal.ConseillerDunkerque;
        var started = await Use.OrientAsync(conseiller, "Karima", "Benali", "Dunkerque-Centre");
        var id = started.ParticipantId;
        var contractUrl = $"/fichiers/participants/{id}/contrat.pdf";
        using (var notYet = await GetAs(conseiller, contractUrl))
        {
            Assert.Equal(HttpStatusCode.NotFound, notYet.StatusCode);
            Assert.Contains("pas encore signé", await notYet.Content.ReadAsStringAsync());
        }

        await SendAs(conseiller, s => s.Send(new AddFirstInterviewCommand(id, DateOnly.FromDateTime(DateTime.UtcNow), "Diagnostic.")));
        await SendAs(conseiller, async s => await s.Send(new CompleteFirstInterviewsCommand(await Use.TaskAsync(id, "Task_FirstInterview"))));
        await SendAs(conseiller, async s => await s.Send(new SubmitCounsellorOpinionCommand(await Use.TaskAsync(id, "Task_CounsellorOpinion"), "favorable", "Projet clair.")));
        await SendAs(TestPrincipal.Responsable, async s => await s.Send(new SubmitValidationCommand(await Use.TaskAsync(id, "Task_Validation"), "validate", null)));
        await App.RunDueJobsAsync();
        var identity = await SendAs(conseiller, s => s.Send(new UploadDocumentCommand(id, "piece-identite", "cni.pdf", TestFiles.Pdf())));
        var address = await SendAs(conseiller, s => s.Send(new UploadDocumentCommand(id, "justificatif-domicile", "edf.pdf", TestFiles.Pdf())));
        var review = await SendAs(TestPrincipal.Statistiques, async s => await s.Send(new ReviewDocumentsCommand(await Use.TaskAsync(id, "Task_DocumentsReview"),
            [new DocumentReview(identity.DocumentId, true, null), new DocumentReview(address.DocumentId, true, null)], false, null)));
        Assert.Equal("accept", review.Decision);
        var preview = await SendAs(conseiller, s => s.Send(new PreviewContractQuery(id)));
        var signature = "data:image/png;base64," + Convert.ToBase64String(TestFiles.SignaturePng());
        await SendAs(conseiller, async s => await s.Send(new SignContractCommand(await Use.TaskAsync(id, "Task_Contract"), signature, signature, preview.DocumentSha256)));

        using var response = await GetAs(conseiller, contractUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
        using (var other = await GetAs(TestPrincipal.ConseillerGrandeSynthe, contractUrl))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }
}
