using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Plie.Application.Supervision.CommentCase;
using Plie.Application.Supervision.Dashboard;
using Plie.Application.Supervision.Heatmap;
using Plie.Application.Supervision.StalledCases;
using Plie.Application.Workflow;
using Plie.Web.Auth;

namespace Plie.Web.Api;

/// <summary>
/// Supervision of the running cases, under /api/supervision: stuck cases, comments, the heatmap of a process, the
/// dashboard. Superviseur, responsable accompagnement and administrateur only. Reassigning a task is
/// <c>POST /api/workflow/tasks/{id}/assign</c>.
/// </summary>
public static class SupervisionEndpoints
{
    /// <summary>The text of a comment on a case.</summary>
    public sealed record CommentRequest(string Text);

    public static IEndpointRouteBuilder MapSupervisionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/supervision").WithTags("Supervision").RequireAuthorization(PliePolicies.Supervision);

        group.MapGet("/stalled-cases", (ISender sender, CancellationToken ct, string? reasons, string? antenne, string? step,
                    string? referent, string? processKey, StalledSort? sort, int? page, int? pageSize) =>
                sender.Send(new StalledCasesQuery(ParseReasons(reasons), antenne, step, referent, processKey,
                    sort ?? StalledSort.OldestFirst, true, page ?? 1, pageSize ?? Paging.DefaultPageSize), ct))
            .WithName("StalledCases")
            .WithSummary("Dossiers bloqués : tâche en retard, sans mouvement depuis plus de N jours, ou en incident")
            .WithDescription("Filtres : reasons (Overdue, Idle, Incident, séparés par des virgules ; tous par défaut), antenne, step (élément ou nom de l'étape), "
                             + "referent, processKey. Tri : sort (OldestFirst, NewestFirst, LongestIdleFirst). Pagination : page, pageSize (200 au plus).")
            .ProducesProblems(400);

        group.MapPost("/cases/{id:guid}/comments", (Guid id, CommentRequest request, ISender sender, CancellationToken ct) =>
                sender.Send(new CommentCaseCommand(id, request.Text), ct))
            .WithName("CommentCase")
            .WithSummary("Commenter un dossier (gardé dans son historique, tracé sur le dossier du participant)")
            .ProducesProblems(400, 404, 415);

        group.MapGet("/heatmap/{processKey}", (string processKey, int? version, ISender sender, CancellationToken ct) =>
                sender.Send(new GetHeatmapQuery(processKey, version), ct))
            .WithName("GetHeatmap")
            .WithSummary("Carte des étapes : dossiers en attente par élément, en retard, attente médiane")
            .ProducesProblems(400, 404);

        group.MapGet("/heatmap/{processKey}/cases", (string processKey, string element, ISender sender, CancellationToken ct,
                    int? page, int? pageSize) =>
                sender.Send(new StalledCasesQuery(ProcessKey: processKey, Step: element, StalledOnly: false, Page: page ?? 1,
                    PageSize: pageSize ?? Paging.DefaultPageSize), ct))
            .WithName("CasesAtElement")
            .WithSummary("Les dossiers en attente à un élément du processus")
            .ProducesProblems(400);

        group.MapGet("/dashboard", (ISender sender, CancellationToken ct, string? antenne, string? processKey, int? weeks) =>
                sender.Send(new GetDashboardQuery(antenne, processKey, weeks ?? 12), ct))
            .WithName("SupervisionDashboard")
            .WithSummary("Dossiers ouverts, clos et en cours par semaine ISO et par antenne")
            .ProducesProblems(400);

        return app;
    }

    private static IReadOnlyList<StallReason>? ParseReasons(string? reasons)
    {
        if (string.IsNullOrWhiteSpace(reasons)) return null;
        var parsed = new List<StallReason>();
        foreach (var part in reasons.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<StallReason>(part, ignoreCase: true, out var reason) || !Enum.IsDefined(reason) || int.TryParse(part, out _))
            {
                var message = $"Motif inconnu « {part} » : Overdue, Idle ou Incident.";
                throw new FluentValidation.ValidationException(message, [new FluentValidation.Results.ValidationFailure("reasons", message)]);
            }
            parsed.Add(reason);
        }
        return parsed;
    }
}
