using Plie.Workflow.Expressions;

namespace Plie.Workflow.Tests;

/// <summary>ISO-8601 durations, dates and repeating intervals, as written in timers and due dates.</summary>
public class IsoTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Duration_EveryComponent()
    {
        Assert.True(IsoTime.TryParseDuration("P1Y2M3DT4H5M6S", out var d));

        Assert.Equal(new IsoTime.Duration(1, 2, 3, new TimeSpan(4, 5, 6)), d);
    }

    [Theory]
    [InlineData("P2W", 14, 0)]
    [InlineData("P1W2D", 9, 0)]
    [InlineData("PT0.5S", 0, 500)]
    [InlineData("PT1,5S", 0, 1500)]
    [InlineData("PT36H", 0, 36 * 3600 * 1000)]
    [InlineData(" PT10M ", 0, 600 * 1000)]
    public void Duration_WeeksAndFractions(string text, int days, int milliseconds)
    {
        Assert.True(IsoTime.TryParseDuration(text, out var d));

        Assert.Equal((0, 0, days, TimeSpan.FromMilliseconds(milliseconds)), (d.Years, d.Months, d.Days, d.Time));
    }

    [Theory]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("5 days")]
    [InlineData("5 jours")]
    [InlineData("1D")]
    [InlineData("P-1D")]
    [InlineData("PT1.5H")]
    [InlineData("P1S")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("P99999999999D")]
    [InlineData("PT2147483647H")]
    [InlineData("P20000Y")]
    [InlineData("P\u0661D")] // an Arabic-Indic digit matches \d but is no number here
    public void Duration_Invalid(string? text)
    {
        Assert.False(IsoTime.TryParseDuration(text, out _));
    }

    [Fact]
    public void Duration_AddsCalendarMonthsAndYears()
    {
        Assert.True(IsoTime.TryParseDuration("P1Y1M1DT1H", out var d));

        Assert.Equal(new DateTimeOffset(2027, 3, 1, 10, 0, 0, TimeSpan.Zero), d.AddTo(Now)); // 31 Jan → 28 Feb 2027 (+1 month) → 1 Mar (+1 day)
    }

    [Theory]
    [InlineData("2026-01-31T09:00:00Z", "2026-01-31T09:00:00+00:00")]
    [InlineData("2026-01-31T09:00:00+01:00", "2026-01-31T08:00:00+00:00")]
    [InlineData("2026-01-31T09:00:00-05:00", "2026-01-31T14:00:00+00:00")]
    [InlineData("2026-01-31T09:00:00.250Z", "2026-01-31T09:00:00.25+00:00")]
    [InlineData("2026-01-31T09:00Z", "2026-01-31T09:00:00+00:00")]
    public void Date_WithOffset(string text, string expected)
    {
        Assert.True(IsoTime.TryParseDate(text, out var date));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), date);
        Assert.Equal(TimeSpan.Zero, date.Offset);
    }

    [Theory]
    [InlineData("2026-01-31T09:00:00", "2026-01-31T09:00:00+00:00")]
    [InlineData("2026-01-31", "2026-01-31T00:00:00+00:00")]
    public void Date_WithoutOffset_IsUtc(string text, string expected)
    {
        Assert.True(IsoTime.TryParseDate(text, out var date));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), date);
    }

    [Theory]
    [InlineData("31/01/2026")]
    [InlineData("01/02/2026")] // would be 2 January in the invariant culture, 1 February for a French reader
    [InlineData("May 5")]
    [InlineData("12:00")]
    [InlineData("2026-02-30")]
    [InlineData("2026-01-31T25:00:00Z")]
    [InlineData("demain")]
    [InlineData("PT1H")]
    [InlineData("")]
    [InlineData(null)]
    public void Date_Invalid(string? text)
    {
        Assert.False(IsoTime.TryParseDate(text, out _));
    }

    [Fact]
    public void Cycle_RepeatedDuration()
    {
        Assert.True(IsoTime.TryParseCycle("R3/PT10M", out var cycle));

        Assert.Equal(3, cycle.Repetitions);
        Assert.Null(cycle.Start);
        Assert.Equal(TimeSpan.FromMinutes(10), cycle.Interval.Time);
    }

    [Fact]
    public void Cycle_Unbounded()
    {
        Assert.True(IsoTime.TryParseCycle("R/PT1H", out var cycle));

        Assert.Null(cycle.Repetitions);
        Assert.Equal(TimeSpan.FromHours(1), cycle.Interval.Time);
    }

    [Fact]
    public void Cycle_WithStartDate()
    {
        Assert.True(IsoTime.TryParseCycle("R2/2026-01-01T08:00:00Z/P1D", out var cycle));

        Assert.Equal(2, cycle.Repetitions);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero), cycle.Start);
        Assert.Equal(1, cycle.Interval.Days);
    }

    [Theory]
    [InlineData("R0/PT1H")]
    [InlineData("R-1/PT1H")]
    [InlineData("Rx/PT1H")]
    [InlineData("R3")]
    [InlineData("PT10M")]
    [InlineData("R3/PT10M/P1D")]
    [InlineData("R3/01/02/2026/P1D")]
    [InlineData("R3/2026-01-01T08:00:00Z/demain")]
    [InlineData("0 0 9 * * ?")]
    [InlineData("0 9 * * MON-FRI")]
    [InlineData("")]
    [InlineData(null)]
    public void Cycle_Invalid(string? text)
    {
        Assert.False(IsoTime.TryParseCycle(text, out _));
    }

    [Theory]
    [InlineData("P2D", "2026-02-02T09:00:00Z")]
    [InlineData("PT4H", "2026-01-31T13:00:00Z")]
    [InlineData("2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z")]
    public void DueFrom_DurationOrDate(string text, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), IsoTime.DueFrom(text, Now));
    }

    [Fact]
    public void DueFrom_Neither_IsNull()
    {
        Assert.Null(IsoTime.DueFrom("demain", Now));
    }
}
