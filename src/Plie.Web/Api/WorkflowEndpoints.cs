using System.Text;
using System.Text.Json.Nodes;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Plie.Application.Workflow;
using Plie.Application.Workflow.AssignTask;
using Plie.Application.Workflow.CancelInstance;
using Plie.Application.Workflow.ClaimTask;
using Plie.Application.Workflow.CompleteTask;
using Plie.Application.Workflow.CorrelateMessage;
using Plie.Application.Workflow.DeployDefinition;
using Plie.Application.Workflow.GetDefinitionXml;
using Plie.Application.Workflow.GetInstance;
using Plie.Application.Workflow.GetInstanceHistory;
using Plie.Application.Workflow.GetInstanceView;
using Plie.Application.Workflow.MigrateInstance;
using Plie.Application.Workflow.GetTask;
using Plie.Application.Workflow.ListDefinitions;
using Plie.Application.Workflow.ListTopics;
using Plie.Application.Workflow.QueryIncidents;
using Plie.Application.Workflow.QueryInstances;
using Plie.Application.Workflow.QueryTasks;
using Plie.Application.Workflow.RetryIncident;
using Plie.Application.Workflow.StartInstance;
using Plie.Application.Workflow.UnclaimTask;
using Plie.Application.Workflow.ValidateDefinition;
using Plie.Workflow;
using Plie.Workflow.Ports;

using Plie.Web.Auth;

namespace Plie.Web.Api;

/// <summary>
/// The workflow API under /api/workflow. Endpoints bind the input, send the Mediator request and shape the HTTP result;
/// the acting user is always the current user. Each area is a route group, so that access rules can be put per group
/// (e.g. <c>app.MapWorkflowApi()</c> then <c>.RequireAuthorization(...)</c> on what each Map…Api returns).
/// </summary>
public static class WorkflowEndpoints
{
    public const string Prefix = "/api/workflow";

    public static IEndpointRouteBuilder MapWorkflowApi(this IEndpointRouteBuilder app)
    {
        var workflow = app.MapGroup(Prefix);
        workflow.MapDefinitionsApi();
        workflow.MapInstancesApi();
        workflow.MapTasksApi();
        workflow.MapMessagesApi();
        workflow.MapIncidentsApi();
        workflow.MapTopicsApi();
        return app;
    }

    // ---------------------------------------------------------------- definitions

    public static RouteGroupBuilder MapDefinitionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/definitions").WithTags("Définitions de processus");

        group.MapPost("", DeployAsync)
            .WithName("DeployDefinition")
            .WithSummary("Déployer un modèle BPMN")
            .WithDescription("Corps : le XML du modèle (application/xml ou text/xml) ou un formulaire multipart/form-data avec le fichier dans le champ « file » ; 5 Mo au plus. "
                             + "201 si une nouvelle version est créée, 200 si le modèle est identique à la dernière version ; 400 avec les erreurs par élément si le modèle est refusé.")
            .AddOpenApiOperationTransformer(BpmnUpload.DescribeRequestBody)
            .ProducesProblems(400, 413, 415)
            .RequireAuthorization(PliePolicies.Designer);

        group.MapPost("/validate", ValidateAsync)
            .WithName("ValidateDefinition")
            .WithSummary("Vérifier un modèle BPMN sans le déployer")
            .WithDescription("Même corps que le déploiement. Répond toujours 200 avec { valid, errors } pour un modèle non vide.")
            .AddOpenApiOperationTransformer(BpmnUpload.DescribeRequestBody)
            .ProducesProblems(400, 413, 415)
            .RequireAuthorization(PliePolicies.Designer);

        group.MapGet("", (ISender sender, CancellationToken ct) => sender.Send(new ListDefinitionsQuery(), ct))
            .WithName("ListDefinitions")
            .WithSummary("Lister les processus déployés, leurs versions et leurs instances en cours");

        group.MapGet("/{key}/xml", GetXmlAsync)
            .WithName("GetDefinitionXml")
            .WithSummary("Obtenir le XML BPMN d'un processus (dernière version, ou la version demandée)")
            .Produces<string>(StatusCodes.Status200OK, "application/xml")
            .ProducesProblems(400, 404);

        group.MapPost("/{key}/migrate", (string key, MigrateVersionRequest request, ISender sender, CancellationToken ct) =>
                sender.Send(new MigrateInstancesCommand(key, request.FromVersion, request.ToVersion), ct))
            .WithName("MigrateInstances")
            .WithSummary("Migrer toutes les instances en cours d'une version vers une autre")
            .WithDescription("Corps : { fromVersion, toVersion }. Chaque instance est migrée seule ; la réponse donne pour chacune migrated et, sinon, refusal (les éléments absents de la version cible).")
            .Produces<IReadOnlyList<MigrationResult>>()
            .ProducesProblems(400, 404, 415)
            .RequireAuthorization(PliePolicies.VersionMigration);

        group.MapPost("/{key}/migrate/check", (string key, MigrateVersionRequest request, ISender sender, CancellationToken ct) =>
                sender.Send(new CheckMigrationQuery(key, request.FromVersion, request.ToVersion), ct))
            .WithName("CheckMigration")
            .WithSummary("Vérifier, sans rien changer, quelles instances en cours d'une version peuvent migrer vers une autre")
            .WithDescription("Corps : { fromVersion, toVersion }. Réponse : movable (le nombre d'instances qui peuvent migrer) et cases, une par instance en cours : "
                             + "participantName (si le dossier vous est accessible), canMigrate et, sinon, refusal (les éléments absents de la version cible).")
            .Produces<MigrationPlan>()
            .ProducesProblems(400, 404, 415)
            .RequireAuthorization(PliePolicies.VersionMigration);

        return group;
    }

    /// <summary>Which running instances move, and where.</summary>
    public sealed record MigrateVersionRequest(int FromVersion, int ToVersion);

    private static async Task<Results<Created<DefinitionDeployed>, Ok<DefinitionDeployed>>> DeployAsync(BpmnUpload model,
        ISender sender, LinkGenerator links, HttpContext http, CancellationToken ct)
    {
        var deployed = await sender.Send(new DeployDefinitionCommand(model.Xml), ct);
        if (!deployed.Created) return TypedResults.Ok(deployed);
        return TypedResults.Created(
            links.GetUriByName(http, "GetDefinitionXml", new { key = deployed.Key, version = deployed.Version }), deployed);
    }

    private static async Task<Ok<DefinitionValidation>> ValidateAsync(BpmnUpload model, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new ValidateDefinitionQuery(model.Xml), ct));

    private static async Task<ContentHttpResult> GetXmlAsync(string key, int? version, ISender sender, CancellationToken ct)
    {
        var definition = await sender.Send(new GetDefinitionXmlQuery(key, version), ct);
        return TypedResults.Text(definition.Xml, "application/xml", Encoding.UTF8);
    }

    // ---------------------------------------------------------------- instances

    /// <summary>Why an instance is cancelled (kept in its history).</summary>
    public sealed record CancelInstanceRequest(string Reason);

    /// <summary>The version of the same process to move the instance to.</summary>
    public sealed record MigrateInstanceRequest(int TargetVersion);

    public static RouteGroupBuilder MapInstancesApi(this IEndpointRouteBuilder app)
    {
        // Cases, their variables and history: for those who oversee them (the screens show each user their own files).
        var group = app.MapGroup("/instances").WithTags("Instances de processus").RequireAuthorization(PliePolicies.Supervision);

        group.MapPost("", async Task<CreatedAtRoute<InstanceView>> (StartInstanceCommand command, ISender sender, CancellationToken ct) =>
            {
                var instance = await sender.Send(command, ct);
                return TypedResults.CreatedAtRoute(instance, "GetInstance", new { id = instance.Id });
            })
            .WithName("StartInstance")
            .WithSummary("Démarrer une instance de la dernière version d'un processus")
            .WithDescription("Corps : { processKey, businessKey?, variables? } où variables est un objet JSON.")
            .ProducesProblems(400, 404, 415, 422);

        group.MapGet("", (ISender sender, CancellationToken ct, string? processKey, string? businessKey, string? state,
                    int? page, int? pageSize) =>
                sender.Send(new QueryInstancesQuery(processKey, businessKey, state, page ?? 1, pageSize ?? Paging.DefaultPageSize), ct))
            .WithName("QueryInstances")
            .WithSummary("Rechercher des instances (les plus récentes d'abord)")
            .WithDescription("Filtres : processKey, businessKey, state (Running, Completed, Cancelled, Terminated). Pagination : page (à partir de 1), pageSize (200 au plus).")
            .ProducesProblems(400);

        group.MapGet("/{id:guid}", (Guid id, ISender sender, CancellationToken ct) => sender.Send(new GetInstanceQuery(id), ct))
            .WithName("GetInstance")
            .WithSummary("Obtenir une instance : tâches et incidents ouverts, variables, éléments actifs")
            .ProducesProblems(400, 404);

        group.MapGet("/{id:guid}/history", (Guid id, ISender sender, CancellationToken ct, int? page, int? pageSize) =>
                sender.Send(new GetInstanceHistoryQuery(id, page ?? 1, pageSize ?? Paging.DefaultPageSize), ct))
            .WithName("GetInstanceHistory")
            .WithSummary("Obtenir l'historique d'une instance, dans l'ordre")
            .ProducesProblems(400, 404);

        group.MapGet("/{id:guid}/view", (Guid id, ISender sender, CancellationToken ct) => sender.Send(new GetInstanceViewQuery(id), ct))
            .WithName("GetInstanceView")
            .WithSummary("Obtenir le suivi d'une instance : diagramme, chemin parcouru, historique en français, tâches, minuteurs, incidents, versions plus récentes, actions permises")
            .ProducesProblems(400, 404);

        group.MapPost("/{id:guid}/migrate", (Guid id, MigrateInstanceRequest request, ISender sender, CancellationToken ct) =>
                sender.Send(new MigrateInstanceCommand(id, request.TargetVersion), ct))
            .WithName("MigrateInstance")
            .WithSummary("Migrer une instance en cours vers une autre version de son processus")
            .WithDescription("Corps : { targetVersion }. 409 si un élément où se trouve l'instance (tâche, jeton, minuterie, message) n'existe pas dans la version cible (le motif les nomme).")
            .Produces<MigrationResult>()
            .ProducesProblems(400, 404, 409, 415);

        group.MapPost("/{id:guid}/cancel", async Task<NoContent> (Guid id, CancelInstanceRequest request, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new CancelInstanceCommand(id, request.Reason), ct);
                return TypedResults.NoContent();
            })
            .WithName("CancelInstance")
            .WithSummary("Annuler une instance en cours (motif obligatoire)")
            .ProducesProblems(400, 404, 409, 415);

        return group;
    }

    // ---------------------------------------------------------------- tasks

    /// <summary>Who the task is given to.</summary>
    public sealed record AssignTaskRequest(string Assignee);

    /// <summary>The values of the task's form; they become process variables.</summary>
    public sealed record CompleteTaskRequest(JsonObject? Variables = null);

    public static RouteGroupBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tasks").WithTags("Tâches");

        group.MapGet("", (ISender sender, CancellationToken ct, string? assignee, string? candidateGroups, string? candidateUser,
                    string? processKey, string? businessKey, string? elementId, bool? unassigned, bool? overdue,
                    DateTimeOffset? dueBefore, int? page, int? pageSize, bool? mine, string? antenne, string? taskName) =>
                sender.Send(new QueryTasksQuery(assignee, candidateGroups, candidateUser, processKey, businessKey, elementId,
                    unassigned, overdue, dueBefore, page ?? 1, pageSize ?? Paging.DefaultPageSize, mine ?? false, antenne, taskName), ct))
            .WithName("QueryTasks")
            .WithSummary("Rechercher les tâches ouvertes (échéance la plus proche, puis priorité, puis ancienneté)")
            .WithDescription("Filtres : assignee, candidateGroups (l'un des groupes, séparés par des virgules), candidateUser, processKey, businessKey, elementId, "
                             + "unassigned (true : personne ne la tient), overdue (true : échéance dépassée), dueBefore (date ISO 8601), "
                             + "mine (true : la corbeille de l'utilisateur — ses tâches et celles, non attribuées, de ses groupes), antenne (dossiers de cette antenne), "
                             + "taskName (nom de l'étape). Pagination : page, pageSize (200 au plus).")
            .ProducesProblems(400);

        group.MapGet("/{id:guid}", (Guid id, ISender sender, CancellationToken ct) => sender.Send(new GetTaskQuery(id), ct))
            .WithName("GetTask")
            .WithSummary("Obtenir une tâche avec les champs de son formulaire et les variables de son instance")
            .ProducesProblems(400, 404);

        group.MapPost("/{id:guid}/claim", (Guid id, ISender sender, CancellationToken ct) => sender.Send(new ClaimTaskCommand(id), ct))
            .WithName("ClaimTask")
            .WithSummary("Prendre la tâche (l'utilisateur courant la tient)")
            .ProducesProblems(400, 404, 409);

        group.MapPost("/{id:guid}/unclaim", (Guid id, ISender sender, CancellationToken ct) => sender.Send(new UnclaimTaskCommand(id), ct))
            .WithName("UnclaimTask")
            .WithSummary("Rendre la tâche à ses groupes candidats")
            .ProducesProblems(400, 404, 409);

        group.MapPost("/{id:guid}/assign", (Guid id, AssignTaskRequest request, ISender sender, CancellationToken ct) =>
                sender.Send(new AssignTaskCommand(id, request.Assignee), ct))
            .WithName("AssignTask")
            .WithSummary("Confier la tâche à quelqu'un")
            .ProducesProblems(400, 404, 409, 415)
            .RequireAuthorization(PliePolicies.Supervision);

        group.MapPost("/{id:guid}/complete", async Task<NoContent> (Guid id, CompleteTaskRequest? request, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new CompleteTaskCommand(id, request?.Variables), ct);
                return TypedResults.NoContent();
            })
            .WithName("CompleteTask")
            .WithSummary("Terminer la tâche avec les valeurs de son formulaire")
            .WithDescription("Corps facultatif : { variables } (un objet JSON). 400 si une valeur ne respecte pas le formulaire ; 409 si la tâche est déjà terminée ; 422 si l'étape suivante échoue.")
            .ProducesProblems(400, 404, 409, 415, 422);

        return group;
    }

    // ---------------------------------------------------------------- messages, incidents, topics

    public static RouteGroupBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/messages").WithTags("Messages").RequireAuthorization(PliePolicies.Supervision);
        group.MapPost("", (CorrelateMessageCommand command, ISender sender, CancellationToken ct) => sender.Send(command, ct))
            .WithName("CorrelateMessage")
            .WithSummary("Envoyer un message aux instances qui l'attendent")
            .WithDescription("Corps : { messageName, businessKey?, variables? }. Si aucune instance n'attend, démarre le processus dont l'événement de début reçoit ce message ; 404 si personne ne le prend.")
            .ProducesProblems(400, 404, 415, 422);
        return group;
    }

    public static RouteGroupBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/incidents").WithTags("Incidents").RequireAuthorization(PliePolicies.Supervision);

        group.MapGet("", (ISender sender, CancellationToken ct, string? processKey, Guid? instanceId, bool? includeResolved,
                    int? page, int? pageSize) =>
                sender.Send(new QueryIncidentsQuery(processKey, instanceId, includeResolved ?? false, page ?? 1,
                    pageSize ?? Paging.DefaultPageSize), ct))
            .WithName("QueryIncidents")
            .WithSummary("Lister les incidents (ouverts seulement, sauf includeResolved=true), les plus récents d'abord")
            .ProducesProblems(400);

        group.MapPost("/{id:guid}/retry", async Task<NoContent> (Guid id, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new RetryIncidentCommand(id), ct);
                return TypedResults.NoContent();
            })
            .WithName("RetryIncident")
            .WithSummary("Relancer le travail en échec d'un incident (l'incident est résolu)")
            .ProducesProblems(400, 404, 409);

        return group;
    }

    public static RouteGroupBuilder MapTopicsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/topics").WithTags("Catalogue").RequireAuthorization(PliePolicies.Designer);
        group.MapGet("", (ISender sender, CancellationToken ct) => sender.Send(new ListTopicsQuery(), ct))
            .WithName("ListTopics")
            .WithSummary("Lister les traitements que peut appeler une tâche de service (topic, description, entrées, sorties)")
            .Produces<IReadOnlyList<TopicDescriptor>>();
        return group;
    }

    /// <summary>Documents the ProblemDetails answers an endpoint may give.</summary>
    internal static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes) builder.ProducesProblem(status);
        return builder;
    }
}
