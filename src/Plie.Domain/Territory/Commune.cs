namespace Plie.Domain.Territory;

/// <summary>A commune of the Communauté Urbaine de Dunkerque. Whether it adheres to the PLIE is data, with periods.</summary>
public sealed class Commune
{
    public required string InseeCode { get; set; }
    public required string Name { get; set; }
    /// <summary>Former communes and districts included (e.g. Malo-les-Bains for Dunkerque), for search.</summary>
    public string[] Districts { get; set; } = [];
    public List<PlieMembership> Memberships { get; set; } = [];

    public bool IsMemberOn(DateOnly date) => Memberships.Any(m => m.Covers(date));
}

/// <summary>A period during which a commune adheres to the PLIE (To is inclusive; null: still a member).</summary>
public sealed class PlieMembership
{
    public int Id { get; set; }
    public required string CommuneInseeCode { get; set; }
    public DateOnly From { get; set; }
    public DateOnly? To { get; set; }

    public bool Covers(DateOnly date) => date >= From && (To is null || date <= To);
}
