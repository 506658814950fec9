using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Plie.Application.Common;
using Plie.Application.Workflow;
using Plie.Workflow;

namespace Plie.Web.Api;

/// <summary>Something is wrong with the request itself (format, size, content type); the message is for people.</summary>
public sealed class InvalidRequestException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// Turns exceptions into ProblemDetails (RFC 9457) with a French message saying what is wrong. Anything a client can
/// send gets a 4xx; a 500 means a bug on our side.
/// </summary>
public sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger)
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
            WorkflowMigrationRefusedException => Problem(409, "Migration impossible", exception.Message),
            DbUpdateConcurrencyException => Problem(409, "Conflit", "Quelqu'un d'autre vient de modifier ces données : rechargez la page."),
            UnauthorizedAccessException => Problem(403, "Accès refusé", exception.Message),
            WorkflowException => Problem(422, "Étape impossible", exception.Message),
            InvalidRequestException e => Problem(e.StatusCode, TitleFor(e.StatusCode), e.Message),
            BadHttpRequestException e => Problem(e.StatusCode, TitleFor(e.StatusCode), BadRequestMessage(e)),
            JsonException e => Problem(400, "Requête invalide", JsonMessage(e)),
            _ when Postgres(exception) is { SqlState: var state } && state.StartsWith("22", StringComparison.Ordinal) =>
                // Data exception: a value the database cannot store or compare (a NUL character, a number out of range…).
                Problem(400, "Données invalides",
                    "Une valeur envoyée n'est pas acceptée par la base de données (caractère nul, nombre hors limites ou texte mal encodé)."),
            _ when Postgres(exception) is { SqlState: PostgresErrorCodes.UniqueViolation } =>
                Problem(409, "Conflit", "La même opération vient d'être faite par quelqu'un d'autre : rechargez et réessayez."),
            _ => null,
        };
        if (problem is null) return false; // a bug: the exception handler middleware logs it and answers 500
        if (exception is WorkflowException { InnerException: not null })
            logger.LogWarning(exception.InnerException, "Step failed on {Path}: {Message}", http.Request.Path, exception.Message);
        http.Response.StatusCode = problem.Status!.Value;
        var context = new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception };
        if (await problems.TryWriteAsync(context)) return true;
        // The client accepts no JSON (e.g. Accept: text/html): answer with the problem anyway rather than a 500.
        await http.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json", ct);
        return true;
    }

    private static PostgresException? Postgres(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is PostgresException pg) return pg;
        return null;
    }

    internal static string TitleFor(int status) => status switch
    {
        400 => "Requête invalide",
        401 => "Authentification requise",
        403 => "Accès refusé",
        404 => "Introuvable",
        405 => "Méthode non autorisée",
        406 => "Format de réponse non disponible",
        408 => "Délai dépassé",
        409 => "Conflit",
        413 => "Requête trop volumineuse",
        415 => "Type de contenu non pris en charge",
        422 => "Étape impossible",
        >= 500 => "Erreur interne",
        _ => "Requête refusée",
    };

    /// <summary>The framework's binding errors (in English), said in French.</summary>
    internal static string BadRequestMessage(BadHttpRequestException e)
    {
        if (e.InnerException is JsonException json) return JsonMessage(json);
        if (e.StatusCode == 413) return "La requête est trop volumineuse.";
        var message = e.Message;
        if (BindingFailed().Match(message) is { Success: true } failed)
            return $"Le paramètre « {failed.Groups["name"].Value} » n'accepte pas la valeur « {failed.Groups["value"].Value} » : "
                   + Expected(failed.Groups["type"].Value) + ".";
        if (RequiredNotProvided().Match(message) is { Success: true } missing)
            return missing.Groups["source"].Value == "body"
                ? "Le corps de la requête est obligatoire (un objet JSON)."
                : $"Le paramètre « {missing.Groups["name"].Value} » est obligatoire.";
        if (message.StartsWith("Implicit body inferred", StringComparison.Ordinal))
            return "Le corps de la requête est obligatoire (un objet JSON).";
        if (UnexpectedContentType().Match(message) is { Success: true } type)
            return $"Le corps de la requête doit être du JSON (Content-Type: application/json), pas « {type.Groups["type"].Value} ».";
        if (message.Contains("request body as JSON", StringComparison.Ordinal))
            return "Le corps de la requête n'est pas un JSON valide.";
        return "Requête invalide : " + message;
    }

    private static string Expected(string type) => NullableType().Replace(type, "$1").TrimEnd('?').Replace("System.", "") switch
    {
        "int" or "long" or "Int32" or "Int64" => "un nombre entier est attendu",
        "bool" or "Boolean" => "true ou false est attendu",
        "Guid" => "un identifiant (GUID) est attendu",
        "DateTimeOffset" or "DateTime" => "une date et heure ISO 8601 est attendue (ex. 2026-03-02T09:00:00Z)",
        "DateOnly" => "une date est attendue (AAAA-MM-JJ)",
        var other => $"valeur au mauvais format ({other})",
    };

    private static string JsonMessage(JsonException json)
    {
        var where = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "" : $" (à {json.Path})";
        var position = json.LineNumber is { } line ? $", ligne {line + 1}, position {json.BytePositionInLine + 1}" : "";
        if (json is InvalidJsonValueException) return $"{json.Message.TrimEnd('.')}{where}{position}.";
        return $"Le corps de la requête n'est pas un JSON valide ou une valeur n'a pas le type attendu{where}{position}.";
    }

    [GeneratedRegex("""^Failed to bind parameter "(?<type>\S+) (?<name>[^"]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindingFailed();

    [GeneratedRegex(@"^Nullable<(.+)>$")]
    private static partial Regex NullableType();

    [GeneratedRegex("""^Required parameter "(?<type>\S+) (?<name>[^"]+)" was not provided from (?<source>\w+)""")]
    private static partial Regex RequiredNotProvided();

    [GeneratedRegex("""^Expected a supported JSON media type but got "(?<type>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex UnexpectedContentType();

    private static ProblemDetails Problem(int status, string title, string detail, Dictionary<string, object?>? extensions = null)
    {
        var p = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (extensions is not null)
            foreach (var (k, v) in extensions) p.Extensions[k] = v;
        return p;
    }

    /// <summary>
    /// Status-code pages (no endpoint at this address, wrong method, routing's 415…) as ProblemDetails, whatever the
    /// client says it accepts.
    /// </summary>
    public static async Task WriteStatusCodeProblemAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var problem = new ProblemDetails { Status = http.Response.StatusCode };
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        var problemContext = new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem };
        if (await problems.TryWriteAsync(problemContext)) return;
        ApplyFrenchDefaults(problemContext);
        await http.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json", http.RequestAborted);
    }

    /// <summary>
    /// For problems written without an exception (no endpoint at this address, wrong method, a bug): a French title
    /// and detail in place of the framework's English defaults.
    /// </summary>
    public static void ApplyFrenchDefaults(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null) return;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Title = TitleFor(status);
        problem.Detail = status switch
        {
            404 => "Aucune ressource ne correspond à cette adresse : vérifiez le chemin et le format des identifiants (GUID).",
            405 => $"La méthode {context.HttpContext.Request.Method} n'est pas acceptée à cette adresse.",
            // Routing refuses a body whose type the endpoint does not declare; every such endpoint here takes JSON.
            415 => (string.IsNullOrEmpty(context.HttpContext.Request.ContentType)
                       ? "La requête n'indique pas son type de contenu"
                       : $"Type de contenu non pris en charge : « {context.HttpContext.Request.ContentType} »")
                   + " ; le corps doit être du JSON (Content-Type: application/json).",
            >= 500 => "Une erreur inattendue est survenue de notre côté ; elle a été journalisée.",
            _ => "La requête a été refusée.",
        };
    }
}
