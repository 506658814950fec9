using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Web.Components.Shared;

/// <summary>
/// What went wrong with a use case, said in French for the screen: a message and, for invalid data, the message of
/// each field (by property name for the use cases' validators, by form field id for the workflow's form fields).
/// </summary>
public sealed record UiProblem(string Title, string Message, IReadOnlyDictionary<string, string> Fields, bool Unexpected = false)
{
    private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();

    /// <summary>The error of a field, if any (property names are matched without regard to case).</summary>
    public string? For(string field) => Fields.TryGetValue(field, out var message) ? message : null;

    public static UiProblem From(Exception exception) => exception switch
    {
        WorkflowValidationException e => new UiProblem("Données invalides",
            e.Errors.Count == 1 ? e.Errors[0].Message : "Certaines valeurs ne conviennent pas : " + string.Join(" ", e.Errors.Select(x => x.Message)),
            e.Errors.Where(x => x.ElementId is not null).GroupBy(x => x.ElementId!)
                .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(x => x.Message)), StringComparer.OrdinalIgnoreCase)),
        FluentValidation.ValidationException e when e.Errors.Any() => new UiProblem("Données invalides",
            string.Join(" ", e.Errors.Select(x => x.ErrorMessage).Distinct()),
            e.Errors.Where(x => !string.IsNullOrEmpty(x.PropertyName)).GroupBy(x => x.PropertyName)
                .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(x => x.ErrorMessage).Distinct()), StringComparer.OrdinalIgnoreCase)),
        FluentValidation.ValidationException e => new UiProblem("Données invalides", e.Message, NoFields),
        WorkflowConflictException e => new UiProblem("Conflit", e.Message, NoFields),
        DbUpdateConcurrencyException => new UiProblem("Conflit", "Quelqu'un d'autre vient de modifier ces données : rechargez la page.", NoFields),
        UnauthorizedAccessException e => new UiProblem("Accès refusé", e.Message, NoFields),
        NotFoundException or WorkflowNotFoundException => new UiProblem("Introuvable", exception.Message, NoFields),
        WorkflowException e => new UiProblem("Étape impossible", e.Message, NoFields),
        _ => new UiProblem("Erreur inattendue",
            $"Une erreur inattendue s'est produite ({Labels.DateTime(DateTimeOffset.UtcNow)}). Réessayez ; si elle persiste, signalez-la avec l'heure.",
            NoFields, Unexpected: true),
    };
}
