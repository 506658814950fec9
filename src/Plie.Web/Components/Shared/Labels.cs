using System.Globalization;
using Plie.Application.Common;
using Plie.Domain.Intake;

namespace Plie.Web.Components.Shared;

/// <summary>What the screens show: French labels of codes, dates in French and in Paris time.</summary>
public static class Labels
{
    public static readonly CultureInfo Fr = ParisTime.French;

    public static DateTimeOffset ToParis(DateTimeOffset at) => ParisTime.ToParis(at);

    /// <summary>Today in Paris.</summary>
    public static DateOnly Today => DateOnly.FromDateTime(ToParis(DateTimeOffset.UtcNow).DateTime);

    public static string Date(DateOnly? date) => date?.ToString("dd/MM/yyyy", Fr) ?? "—";

    public static string Date(DateTimeOffset? at) => at is { } a ? ToParis(a).ToString("dd/MM/yyyy", Fr) : "—";

    public static string DateTime(DateTimeOffset? at) => at is { } a ? ParisTime.Format(a) : "—";

    public static string Role(string role) => PlieRoles.Labels.TryGetValue(role, out var label) ? label : role;

    public static string Roles(IEnumerable<string> roles) => string.Join(", ", roles.Select(Role));

    public static string OrDash(string? text) => string.IsNullOrWhiteSpace(text) ? "—" : text;

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} o",
        < 1024 * 1024 => (bytes / 1024d).ToString("0", Fr) + " Ko",
        _ => (bytes / (1024d * 1024)).ToString("0.0", Fr) + " Mo",
    };

    public static string DocumentStatus(string status) => status switch
    {
        nameof(Plie.Domain.Intake.DocumentStatus.Pending) => "En attente de contrôle",
        nameof(Plie.Domain.Intake.DocumentStatus.Accepted) => "Acceptée",
        nameof(Plie.Domain.Intake.DocumentStatus.Refused) => "Refusée",
        _ => status,
    };

    public static string DocumentStatus(DocumentStatus? status) => status is { } s ? DocumentStatus(s.ToString()) : "Manquante";

    public static string Opinion(string outcome) => outcome switch
    {
        "favorable" => "Favorable",
        "defavorable" => "Défavorable",
        _ => outcome,
    };

    public static string Decision(string step, string outcome) => IntakeSteps.Label(step, outcome);

    public static readonly IReadOnlyList<(string Code, string Label)> EmploymentStatuses =
    [
        ("chomeur", "Demandeur d'emploi (chômeur)"),
        ("chomeur-longue-duree", "Chômeur de longue durée"),
        ("inactif", "Inactif"),
        ("en-emploi", "En emploi"),
    ];

    public static readonly IReadOnlyList<(string Code, string Label)> EducationLevels =
    [
        ("isced-0-2", "CITE 0-2 (jusqu'au collège)"),
        ("isced-3-4", "CITE 3-4 (lycée, CAP, BEP, bac)"),
        ("isced-5-8", "CITE 5-8 (enseignement supérieur)"),
    ];

    public static string EmploymentStatus(string? code) => Find(EmploymentStatuses, code);

    public static string EducationLevel(string? code) => Find(EducationLevels, code);

    public static string YesNo(bool? value) => value switch { true => "Oui", false => "Non", null => "Non renseigné" };

    public static string ReferenceKind(string kind) => kind switch
    {
        Plie.Domain.ReferenceData.ReferenceKinds.PrescriberType => "Prescripteurs",
        Plie.Domain.ReferenceData.ReferenceKinds.PriorityPublic => "Publics prioritaires",
        Plie.Domain.ReferenceData.ReferenceKinds.ObstacleTheme => "Freins",
        Plie.Domain.ReferenceData.ReferenceKinds.DocumentType => "Pièces justificatives",
        _ => kind,
    };

    private static string Find(IReadOnlyList<(string Code, string Label)> list, string? code) =>
        code is null ? "Non renseigné" : list.FirstOrDefault(x => x.Code == code).Label ?? code;
}
