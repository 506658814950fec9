using Plie.Domain.Participants;
using Plie.Domain.Territory;

namespace Plie.Domain.Tests;

public sealed class EligibilityTests
{
    private static readonly DateOnly Entry = new(2026, 3, 2);

    private static readonly Commune Dunkerque = new()
    {
        InseeCode = "59183", Name = "Dunkerque",
        Memberships = [new PlieMembership { CommuneInseeCode = "59183", From = new DateOnly(2000, 6, 1) }],
    };

    private static readonly Commune LeftIn2024 = new()
    {
        InseeCode = "59576", Name = "Spycker",
        Memberships = [new PlieMembership { CommuneInseeCode = "59576", From = new DateOnly(2000, 6, 1), To = new DateOnly(2024, 12, 31) }],
    };

    private static Participant Born(DateOnly birth, string commune = "59183") =>
        new() { FirstName = "A", LastName = "B", BirthDate = birth, CommuneInseeCode = commune };

    [Theory]
    [InlineData(2000, 3, 2, true)]   // 26 on the day of entry
    [InlineData(2000, 3, 3, false)]  // 26 the day after: still 25
    [InlineData(1961, 1, 1, true)]
    public void Age_is_judged_on_the_entry_date(int year, int month, int day, bool eligible)
    {
        var result = Eligibility.Check(Born(new DateOnly(year, month, day)), Dunkerque, Entry);
        Assert.Equal(eligible, result.Eligible);
        if (!eligible) Assert.Contains(result.Reasons, r => r.Contains("25 ans") && r.Contains("26 ans et plus"));
    }

    [Fact]
    public void Membership_is_judged_at_the_entry_date_not_today()
    {
        var person = Born(new DateOnly(1980, 1, 1), "59576");
        Assert.True(Eligibility.Check(person, LeftIn2024, new DateOnly(2024, 6, 1)).Eligible);
        var after = Eligibility.Check(person, LeftIn2024, new DateOnly(2025, 1, 1));
        Assert.False(after.Eligible);
        Assert.Contains(after.Reasons, r => r.Contains("Spycker n'adhère pas"));
    }

    [Fact]
    public void An_unknown_commune_and_an_unavailable_person_are_refused_with_every_reason()
    {
        var person = Born(new DateOnly(2001, 1, 1), "75056");
        person.AvailableForAccompaniment = false;
        var result = Eligibility.Check(person, null, Entry);
        Assert.False(result.Eligible);
        Assert.Equal(3, result.Reasons.Count);
    }
}
