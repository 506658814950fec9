namespace Plie.Domain.Participants;

public enum ParticipantStatus
{
    /// <summary>Oriented to the PLIE; the intake procedure runs.</summary>
    InIntake,
    /// <summary>Entered the PLIE: contract signed, has an entry date and a référent.</summary>
    Participant,
    /// <summary>Intake refused (the reason is kept).</summary>
    Refused,
    /// <summary>Left the PLIE.</summary>
    Exited,
}

/// <summary>The file of a person oriented to the PLIE (a participant once entered).</summary>
public sealed class Participant
{
    public Guid Id { get; set; }
    public required string FirstName { get; set; }
    public required string LastName { get; set; }
    public DateOnly BirthDate { get; set; }
    public string? Address { get; set; }
    public required string CommuneInseeCode { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    /// <summary>The antenne (local office) whose conseillers follow the person.</summary>
    public string? Antenne { get; set; }
    public ParticipantStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    /// <summary>The planned entry date, used to judge eligibility; the actual one once entered.</summary>
    public DateOnly? EntryDate { get; set; }
    /// <summary>The référent de parcours (user id).</summary>
    public string? ReferentUserId { get; set; }
    public string? RefusalReason { get; set; }
    public bool AvailableForAccompaniment { get; set; } = true;
    /// <summary>When the person can start (free text: "immédiatement", "après sa formation en juin"…).</summary>
    public string? Availability { get; set; }
    /// <summary>The person's situation in a few words (housing, family, resources…).</summary>
    public string? Situation { get; set; }
    /// <summary>Who oriented the person: a prescriber type code (France Travail, Mission Locale, CCAS…) and its name.</summary>
    public string? PrescriberType { get; set; }
    public string? PrescriberName { get; set; }
    /// <summary>Priority publics (codes): DELD, RSA, QPV, RQTH, jeune en difficulté…</summary>
    public string[] PriorityPublics { get; set; } = [];
    /// <summary>The entry data the European Social Fund requires.</summary>
    public FseEntryData Fse { get; set; } = new();

    public int AgeOn(DateOnly date)
    {
        var age = date.Year - BirthDate.Year;
        if (BirthDate > date.AddYears(-age)) age--;
        return age;
    }
}
