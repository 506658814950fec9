using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Web.Api;

/// <summary>
/// Turns exceptions into ProblemDetails (RFC 9457) with a French message saying what is wrong. Anything a client can
/// send gets a 4xx; a 500 means a bug on our side.
/// </summary>
public sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var problem = exception switch
        {
            WorkflowValidationException e => Problem(400, "Données invalides", e.Message, new Dictionary<string, object?>
            {
                ["errors"] = e.Errors.Select(x => new { elementId = x.ElementId, message = x.Message }).ToList(),
            }),
            FluentValidation.ValidationException e => Problem(400, "Données invalides",
                string.Join(" ", e.Errors.Select(x => x.ErrorMessage).Distinct()), new Dictionary<string, object?>
                {
                    ["errors"] = e.Errors.GroupBy(x => x.PropertyName)
                        .ToDictionary(g => JsonNamingPolicy.CamelCase.ConvertName(g.Key), g => g.Select(x => x.ErrorMessage).Distinct().ToArray()),
                }),
            WorkflowNotFoundException or NotFoundException => Problem(404, "Introuvable", exception.Message),
            WorkflowConflictException => Problem(409, "Conflit", exception.Message),
            DbUpdateConcurrencyException => Problem(409, "Conflit", "Quelqu'un d'autre vient de modifier ces données : rechargez la page."),
            UnauthorizedAccessException => Problem(403, "Accès refusé", exception.Message),
            WorkflowException => Problem(422, "Étape impossible", exception.Message),
            BadHttpRequestException e => Problem(e.StatusCode, "Requête invalide", BadRequestMessage(e)),
            JsonException => Problem(400, "Requête invalide", "Le corps de la requête n'est pas un JSON valide : " + exception.Message),
            _ => null,
        };
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Path}", http.Request.Path);
            return false;
        }
        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static string BadRequestMessage(BadHttpRequestException e) =>
        e.InnerException is JsonException json ? "Le corps de la requête n'est pas un JSON valide : " + json.Message
        : e.StatusCode == 413 ? "La requête est trop volumineuse."
        : "Requête invalide : " + e.Message;

    private static ProblemDetails Problem(int status, string title, string detail, Dictionary<string, object?>? extensions = null)
    {
        var p = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (extensions is not null)
            foreach (var (k, v) in extensions) p.Extensions[k] = v;
        return p;
    }
}
