using System.Text;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Plie.Application.Designer.Catalogue;
using Plie.Application.Designer.Compare;
using Plie.Application.Designer.Drafts;
using Plie.Application.Designer.ListProcesses;
using Plie.Application.Designer.Publish;
using Plie.Application.Workflow.ValidateDefinition;
using Plie.Web.Auth;

namespace Plie.Web.Api;

/// <summary>
/// The workflow designer's API under /api/designer, for the procedures' manager (policy Designer): processes and their
/// versions, the draft of each process (saved on the server, possibly invalid), validate, publish, compare, download.
/// </summary>
public static class DesignerEndpoints
{
    public const string Prefix = "/api/designer";

    /// <summary>A new process: its key (the BPMN process id) and its name.</summary>
    public sealed record NewProcessRequest(string Key, string Name);

    /// <summary>The draft revision of an If-Match header (« 3 », « "3" » or « W/"3" »); null without the header.</summary>
    private static int? ExpectedRevision(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0) return null;
        var value = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        return int.TryParse(value.Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var revision)
            ? revision
            : throw new FluentValidation.ValidationException(
                [new FluentValidation.Results.ValidationFailure("If-Match", "L'en-tête If-Match doit contenir la révision du brouillon (un nombre entier, par exemple \"3\").")]);
    }

    public static IEndpointRouteBuilder MapDesignerApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("Conception des procédures").RequireAuthorization(PliePolicies.Designer);

        group.MapGet("/catalogue", (ISender sender, CancellationToken ct) => sender.Send(new GetDesignerCatalogueQuery(), ct))
            .WithName("GetDesignerCatalogue")
            .WithSummary("Catalogue des listes du concepteur : traitements (topics) avec leurs variables, rôles, formulaires");

        group.MapGet("/processes", (ISender sender, CancellationToken ct) => sender.Send(new ListProcessesQuery(), ct))
            .WithName("ListProcesses")
            .WithSummary("Lister les procédures : versions (publiées le, par), instances en cours par version, brouillon");

        group.MapPost("/processes", async Task<Created<DraftSaved>> (NewProcessRequest request, ISender sender, CancellationToken ct) =>
            {
                var saved = await sender.Send(new NewProcessCommand(request.Key, request.Name), ct);
                return TypedResults.Created($"{Prefix}/processes/{saved.Key}/draft", saved);
            })
            .WithName("NewProcess")
            .WithSummary("Créer une procédure (brouillon à partir du modèle vierge)")
            .ProducesProblems(400, 409, 415);

        group.MapGet("/processes/{key}/draft", (string key, ISender sender, CancellationToken ct) => sender.Send(new GetDraftQuery(key), ct))
            .WithName("GetDraft")
            .WithSummary("Obtenir le brouillon d'une procédure, ou sa dernière version s'il n'y en a pas")
            .ProducesProblems(400, 404);

        group.MapPut("/processes/{key}/draft", (string key, BpmnUpload model, HttpRequest request, ISender sender, CancellationToken ct) =>
                sender.Send(new SaveDraftCommand(key, model.Xml, ExpectedRevision(request)), ct))
            .WithName("SaveDraft")
            .WithSummary("Enregistrer le brouillon (même invalide : c'est un travail en cours)")
            .WithDescription("Corps : le XML (application/xml) ou un fichier .bpmn en multipart/form-data (champ « file ») ; 5 Mo au plus. Refusé seulement si ce n'est pas du XML. Envoyez la révision lue (champ « revision » du brouillon, 0 sans brouillon) dans l'en-tête If-Match : 409 si quelqu'un d'autre a enregistré, publié ou abandonné le brouillon entre-temps.")
            .AddOpenApiOperationTransformer(BpmnUpload.DescribeRequestBody)
            .ProducesProblems(400, 409, 413, 415);

        group.MapPost("/processes/{key}/draft/import", (string key, BpmnUpload model, HttpRequest request, ISender sender, CancellationToken ct) =>
                sender.Send(new SaveDraftCommand(key, model.Xml, ExpectedRevision(request)), ct))
            .WithName("ImportDraft")
            .WithSummary("Importer un fichier .bpmn comme brouillon de la procédure")
            .WithDescription("Même contrôle de révision (If-Match) que l'enregistrement.")
            .AddOpenApiOperationTransformer(BpmnUpload.DescribeRequestBody)
            .ProducesProblems(400, 409, 413, 415);

        group.MapDelete("/processes/{key}/draft", async Task<NoContent> (string key, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new DiscardDraftCommand(key), ct);
                return TypedResults.NoContent();
            })
            .WithName("DiscardDraft")
            .WithSummary("Abandonner le brouillon")
            .ProducesProblems(400, 404);

        group.MapPost("/processes/{key}/validate", (string key, ISender sender, CancellationToken ct) =>
                sender.Send(new ValidateDraftQuery(key), ct))
            .WithName("ValidateDraft")
            .WithSummary("Vérifier le brouillon comme au déploiement : { valid, errors: [{ elementId, message }] }")
            .Produces<DefinitionValidation>()
            .ProducesProblems(400, 404);

        group.MapPost("/processes/{key}/publish", (string key, HttpRequest request, ISender sender, CancellationToken ct) =>
                sender.Send(new PublishDraftCommand(key, ExpectedRevision(request)), ct))
            .WithName("PublishDraft")
            .WithSummary("Publier le brouillon : nouvelle version pour les prochains dossiers (les dossiers en cours gardent la leur)")
            .WithDescription("400 avec les erreurs par élément si le modèle est invalide ; « created » vaut false si le modèle est identique à la dernière version." +
                             " En-tête If-Match facultatif (révision du brouillon) : 409 si le brouillon a changé entre-temps.")
            .ProducesProblems(400, 404, 409);

        group.MapGet("/processes/{key}/versions/{version:int}/xml", async Task<FileContentHttpResult> (string key, int version, ISender sender, CancellationToken ct) =>
                TypedResults.File(Encoding.UTF8.GetBytes(await sender.Send(new GetVersionXmlQuery(key, version), ct)), "application/xml",
                    $"{key}-v{version}.bpmn"))
            .WithName("DownloadVersion")
            .WithSummary("Télécharger le .bpmn d'une version")
            .ProducesProblems(400, 404);

        group.MapGet("/processes/{key}/diff", (string key, string? from, string? to, ISender sender, CancellationToken ct) =>
                sender.Send(new CompareVersionsQuery(key, Version(from, "from"), Version(to, "to")), ct))
            .WithName("CompareVersions")
            .WithSummary("Comparer deux versions, ou le brouillon et une version : éléments ajoutés, supprimés, modifiés")
            .WithDescription("from, to : un numéro de version, ou « brouillon » (par défaut) pour le brouillon.")
            .ProducesProblems(400, 404);

        group.MapGet("/processes/{key}/history", (string key, ISender sender, CancellationToken ct) =>
                sender.Send(new ListPublicationsQuery(key), ct))
            .WithName("ListPublications")
            .WithSummary("Historique : publications (qui, quand, quelle version) et brouillons")
            .ProducesProblems(400);

        return app;
    }

    /// <summary>A version number, or null for « brouillon » / « draft » / nothing.</summary>
    private static int? Version(string? value, string name) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "brouillon" or "draft" => null,
        var v when int.TryParse(v, out var n) => n,
        _ => throw new InvalidRequestException(StatusCodes.Status400BadRequest,
            $"Le paramètre « {name} » attend un numéro de version ou « brouillon », pas « {value} »."),
    };
}
