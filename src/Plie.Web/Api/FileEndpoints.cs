using Mediator;
using Microsoft.Net.Http.Headers;
using Plie.Application.Intake.Contract;
using Plie.Application.Participants;

namespace Plie.Web.Api;

/// <summary>
/// The files of a participant's file, for the UI's previews and links: a supporting document, the signed contract.
/// Signed-in users only; the handlers check that the user may see the file (404 otherwise) and audit the reading.
/// Shown inline, with the content type decided at upload from the content itself, never sniffed by the browser.
/// </summary>
public static class FileEndpoints
{
    public static RouteGroupBuilder MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/fichiers").WithTags("Fichiers").RequireAuthorization();

        group.MapGet("/documents/{id:guid}", async (Guid id, ISender sender, HttpContext http, CancellationToken ct) =>
            {
                var document = await sender.Send(new GetDocumentContentQuery(id), ct);
                return Inline(http, document.Content, document.ContentType, document.FileName);
            })
            .WithName("GetDocumentFile")
            .WithSummary("Afficher une pièce justificative (PDF, JPEG ou PNG)")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesProblems(400, 401, 404);

        group.MapGet("/participants/{id:guid}/contrat.pdf", async (Guid id, ISender sender, HttpContext http, CancellationToken ct) =>
                Inline(http, await sender.Send(new GetContractPdfQuery(id), ct), "application/pdf", "contrat-engagement.pdf"))
            .WithName("GetContractFile")
            .WithSummary("Afficher le contrat d'engagement signé (PDF)")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesProblems(400, 401, 404);

        return group;
    }

    private static IResult Inline(HttpContext http, byte[] content, string contentType, string fileName)
    {
        var headers = http.Response.Headers;
        var disposition = new ContentDispositionHeaderValue("inline");
        disposition.SetHttpFileName(fileName);
        headers.ContentDisposition = disposition.ToString();
        headers.XContentTypeOptions = "nosniff";
        // Personal data: never kept by a shared cache, nor by the browser's.
        headers.CacheControl = "private, no-store";
        return TypedResults.Bytes(content, contentType);
    }
}
