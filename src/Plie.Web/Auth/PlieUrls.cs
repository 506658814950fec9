using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Plie.Web.Auth;

/// <summary>
/// The app's own URLs: <c>Plie:PublicUrl</c> when configured, otherwise the address the server actually listens on
/// (known once it has started, which is what makes a random port in tests work). The embedded server's issuer and the
/// OpenID Connect client's authority are <see cref="PublicUrl"/>.
/// </summary>
public sealed class PlieUrls(IConfiguration configuration, IServer server)
{
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>The configured public URL, with a trailing slash; null when not configured.</summary>
    public Uri? ConfiguredPublicUrl { get; } = configuration["Plie:PublicUrl"] is { Length: > 0 } url ? WithSlash(new Uri(url)) : null;

    /// <summary>The app's base URL, with a trailing slash: the issuer of the embedded server.</summary>
    public Uri PublicUrl => ConfiguredPublicUrl
        ?? ListeningUrls.OrderBy(u => u.Scheme == Uri.UriSchemeHttps ? 0 : 1).FirstOrDefault()
        ?? new Uri("http://localhost/");

    /// <summary>
    /// The base URLs a browser may use: <see cref="PublicUrl"/>, the listening addresses (a wildcard host read as
    /// <c>localhost</c>) and, for a loopback address, its other loopback names.
    /// </summary>
    public IReadOnlyList<Uri> BrowserBaseUrls
    {
        get
        {
            var urls = new List<Uri> { PublicUrl };
            foreach (var url in ListeningUrls)
            {
                if (LoopbackHosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase) || url.IsLoopback)
                    urls.AddRange(LoopbackHosts.Select(h => new UriBuilder(url) { Host = h }.Uri));
                else
                    urls.Add(url);
            }
            return urls.Distinct().ToList();
        }
    }

    /// <summary>The server's listening addresses, with a trailing slash; empty before the server has started.</summary>
    public IReadOnlyList<Uri> ListeningUrls =>
        (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        .Select(Parse).OfType<Uri>().ToList();

    /// <summary>The absolute URL of <paramref name="path"/> (without a leading slash) under <paramref name="baseUrl"/>.</summary>
    public static Uri Combine(Uri baseUrl, string path) => new(WithSlash(baseUrl), path.TrimStart('/'));

    private static Uri? Parse(string address)
    {
        // Kestrel reports "http://[::]:8080" for "http://+:8080" and "http://0.0.0.0:8080" as it is.
        var normalized = address.Replace("://+:", "://localhost:", StringComparison.Ordinal)
            .Replace("://*:", "://localhost:", StringComparison.Ordinal)
            .Replace("://[::]:", "://localhost:", StringComparison.Ordinal)
            .Replace("://0.0.0.0:", "://localhost:", StringComparison.Ordinal);
        return Uri.TryCreate(normalized, UriKind.Absolute, out var uri) ? WithSlash(uri) : null;
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
