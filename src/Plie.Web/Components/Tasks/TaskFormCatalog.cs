using Plie.Workflow.Ports;

namespace Plie.Web.Components.Tasks;

/// <summary>
/// The task forms of the screens, by <c>camunda:formKey</c> (TaskPage shows the matching component). The deploy check
/// refuses a user task naming a key not listed here, and the designer's « Formulaire » picker offers these keys. A user
/// task without a form key gets the form generated from its <c>camunda:formField</c>s (or a plain « Terminer » form).
/// </summary>
public sealed class TaskFormCatalog : IFormCatalog
{
    /// <summary>Every form key with its French label, in the order of the intake.</summary>
    public static IReadOnlyList<FormDescriptor> All { get; } =
    [
        new("intake:first-interview", "Entretiens de 1er accueil"),
        new("intake:counsellor-opinion", "Avis du conseiller"),
        new("intake:validation", "Validation par le Responsable Accompagnement"),
        new("intake:documents-review", "Contrôle des pièces justificatives"),
        new("intake:collect-documents", "Recueil des pièces manquantes"),
        new("intake:contract", "Signature du contrat d'engagement"),
    ];

    private static readonly HashSet<string> Keys = All.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);

    public static bool Has(string? formKey) => formKey is not null && Keys.Contains(formKey);

    public bool IsKnown(string formKey) => Keys.Contains(formKey);

    public IReadOnlyList<FormDescriptor> Forms => All;
}
