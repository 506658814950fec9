using System.Globalization;

namespace Plie.Application.Common;

/// <summary>The PLIE's local time (Europe/Paris), in which users read dates and weeks begin.</summary>
public static class ParisTime
{
    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    /// <summary>Europe/Paris; the machine's zone if the system has no time-zone data.</summary>
    public static TimeZoneInfo Zone { get; } = Find();

    public static DateTimeOffset ToParis(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>« 23/11/2026 à 14:05 », Paris time.</summary>
    public static string Format(DateTimeOffset at) => ToParis(at).ToString("dd/MM/yyyy 'à' HH:mm", French);

    private static TimeZoneInfo Find()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Local;
        }
    }
}
