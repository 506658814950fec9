using System.Diagnostics;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// Debian's Chromium, which Playwright drives (browsers cannot be downloaded here). Installed with apt-get on first
/// use when missing and the tests run as root, so that the README's test command works on a fresh machine.
/// </summary>
public static class Chromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
    private static readonly Lazy<string> Path = new(Find, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ExecutablePath => Path.Value;

    /// <summary>Flags for a closed network and a root user (see the machine notes).</summary>
    public static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private static string Find()
    {
        var configured = Environment.GetEnvironmentVariable("PLIE_CHROMIUM");
        if (!string.IsNullOrEmpty(configured) && File.Exists(configured)) return configured;
        var found = Candidates.FirstOrDefault(File.Exists);
        if (found is not null) return found;
        if (Environment.UserName != "root")
            throw new InvalidOperationException("Chromium est absent : installez le paquet Debian « chromium » (apt-get install chromium).");
        Run("apt-get", "update");
        Run("apt-get", "install -y --no-install-recommends chromium");
        return Candidates.FirstOrDefault(File.Exists)
               ?? throw new InvalidOperationException("apt-get install chromium n'a pas installé /usr/bin/chromium.");
    }

    private static void Run(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {args} a échoué ({process.ExitCode}) : {stderr.Result}{stdout.Result[^Math.Min(2000, stdout.Result.Length)..]}");
    }
}
