namespace Plie.Application.Supervision;

/// <summary>
/// Configuration of supervision (<c>Plie:Supervision</c>): after how many days without activity a running case counts
/// as idle in « Dossiers bloqués », per process key (<c>Plie:Supervision:IdleDays:intake = 10</c>), else
/// <see cref="DefaultIdleDays"/>.
/// </summary>
public sealed class SupervisionSettings
{
    public const int DefaultDefaultIdleDays = 14;

    /// <summary>Days without activity for processes not listed in <see cref="IdleDays"/> (default 14).</summary>
    public int DefaultIdleDays { get; set; } = DefaultDefaultIdleDays;

    /// <summary>Days without activity, by process key.</summary>
    public Dictionary<string, int> IdleDays { get; set; } = new(StringComparer.Ordinal);

    public int IdleDaysFor(string processKey) =>
        IdleDays.TryGetValue(processKey, out var days) && days > 0 ? days : Math.Max(1, DefaultIdleDays);
}
