using System.Globalization;
using System.Text.RegularExpressions;

namespace Plie.Workflow.Expressions;

/// <summary>ISO-8601 durations (P1Y2M3DT4H5M6S, P2W), dates and repeating intervals (R3/PT10M, R/2026-01-01T08:00Z/P1D).</summary>
public static partial class IsoTime
{
    [GeneratedRegex(@"^P(?:(?<y>\d+)Y)?(?:(?<mo>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<mi>\d+)M)?(?:(?<s>\d+(?:[.,]\d+)?)S)?)?$",
        RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();

    public readonly record struct Duration(int Years, int Months, int Days, TimeSpan Time)
    {
        public DateTimeOffset AddTo(DateTimeOffset t) => t.AddYears(Years).AddMonths(Months).AddDays(Days).Add(Time);
    }

    public readonly record struct Cycle(int? Repetitions, DateTimeOffset? Start, Duration Interval);

    public static bool TryParseDuration(string? text, out Duration duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var m = DurationPattern().Match(text.Trim());
        if (!m.Success || text.Trim() is "P" or "PT" || text.Trim().EndsWith('T')) return false;
        int Int(string g) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
        try
        {
            var seconds = m.Groups["s"].Success ? double.Parse(m.Groups["s"].Value.Replace(',', '.'), CultureInfo.InvariantCulture) : 0;
            var parsed = new Duration(Int("y"), Int("mo"), checked(Int("d") + 7 * Int("w")),
                new TimeSpan(Int("h"), Int("mi"), 0) + TimeSpan.FromSeconds(seconds));
            _ = parsed.AddTo(DateTimeOffset.UtcNow); // throws when too long to schedule (beyond year 9999)
            duration = parsed;
            return true;
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException or FormatException)
        {
            return false;
        }
    }

    /// <summary>An ISO-8601 date, with or without a time and an offset (none: UTC). Local formats (01/02/2026) are refused.</summary>
    public static bool TryParseDate(string? text, out DateTimeOffset date)
    {
        date = default;
        var trimmed = text?.Trim();
        return trimmed is not null && DatePattern().IsMatch(trimmed)
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex DatePattern();

    public static bool TryParseCycle(string? text, out Cycle cycle)
    {
        cycle = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().Split('/');
        if (parts.Length is < 2 or > 3 || !parts[0].StartsWith('R')) return false;
        int? reps = null;
        if (parts[0].Length > 1)
        {
            if (!int.TryParse(parts[0][1..], NumberStyles.None, CultureInfo.InvariantCulture, out var r) || r < 1) return false;
            reps = r;
        }
        DateTimeOffset? start = null;
        string durationText;
        if (parts.Length == 3)
        {
            if (!TryParseDate(parts[1], out var s)) return false;
            start = s;
            durationText = parts[2];
        }
        else durationText = parts[1];
        if (!TryParseDuration(durationText, out var interval)) return false;
        cycle = new Cycle(reps, start, interval);
        return true;
    }

    /// <summary>A due date given as a duration from now or as a date; null if the text is neither.</summary>
    public static DateTimeOffset? DueFrom(string text, DateTimeOffset now)
    {
        if (TryParseDuration(text, out var d)) return d.AddTo(now);
        if (TryParseDate(text, out var date)) return date;
        return null;
    }
}
