using Plie.Domain.Territory;

namespace Plie.Domain.Participants;

/// <summary>The automatic entry checks of the PLIE, judged at the date of entry.</summary>
public static class Eligibility
{
    /// <summary>The PLIE is for adults of 26 and over.</summary>
    public const int MinimumAge = 26;

    public static EligibilityResult Check(Participant person, Commune? commune, DateOnly entryDate)
    {
        var reasons = new List<string>();
        var age = person.AgeOn(entryDate);
        if (age < MinimumAge)
            reasons.Add($"A {age} ans à la date d'entrée ({entryDate:dd/MM/yyyy}) : le PLIE accompagne les personnes de {MinimumAge} ans et plus.");
        if (commune is null)
            reasons.Add($"Commune inconnue ({person.CommuneInseeCode}) : elle ne fait pas partie de la Communauté Urbaine de Dunkerque.");
        else if (!commune.IsMemberOn(entryDate))
            reasons.Add($"{commune.Name} n'adhère pas au PLIE à la date d'entrée ({entryDate:dd/MM/yyyy}).");
        if (!person.AvailableForAccompaniment)
            reasons.Add("La personne n'est pas disponible pour un accompagnement.");
        return new EligibilityResult(reasons.Count == 0, reasons);
    }
}

public sealed record EligibilityResult(bool Eligible, IReadOnlyList<string> Reasons);
