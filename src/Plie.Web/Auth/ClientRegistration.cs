using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Plie.Web.Auth;

/// <summary>
/// Registers (or updates) the embedded server's client <c>plie-web</c>, the app itself, once the server listens: its
/// redirect URIs are <c>/signin-oidc</c> and <c>/signout-callback-oidc</c> under <c>Plie:PublicUrl</c> and under every
/// address the server actually listens on (loopback names included). So a random port (tests) or
/// <c>127.0.0.1</c> instead of <c>localhost</c> work, while redirect URIs stay exact matches of registered ones.
/// A public client: the code flow requires PKCE. Also registers <c>plie-cli</c>, for scripts calling the API, whose
/// redirect URI is the page <c>/compte/code</c>.
/// </summary>
public sealed class ClientRegistration(IServiceScopeFactory scopes, PlieUrls urls, ILogger<ClientRegistration> logger) : IHostedLifecycleService
{
    public static OpenIddictApplicationDescriptor Describe(IEnumerable<Uri> baseUrls) =>
        Describe(AuthSettings.EmbeddedClientId, "Plie", baseUrls, "signin-oidc", "signout-callback-oidc");

    public static OpenIddictApplicationDescriptor DescribeTools(IEnumerable<Uri> baseUrls) =>
        Describe(AuthSettings.EmbeddedToolsClientId, "Plie (outils, scripts)", baseUrls, AccountPages.CodePath.TrimStart('/'), null);

    private static OpenIddictApplicationDescriptor Describe(string clientId, string displayName, IEnumerable<Uri> baseUrls,
        string redirectPath, string? postLogoutPath)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            DisplayName = displayName,
            ClientType = ClientTypes.Public,
            ApplicationType = ApplicationTypes.Web,
            ConsentType = ConsentTypes.Implicit,
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Roles,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var baseUrl in baseUrls)
        {
            descriptor.RedirectUris.Add(PlieUrls.Combine(baseUrl, redirectPath));
            if (postLogoutPath is not null) descriptor.PostLogoutRedirectUris.Add(PlieUrls.Combine(baseUrl, postLogoutPath));
        }
        return descriptor;
    }

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var baseUrls = urls.BrowserBaseUrls;
        foreach (var descriptor in (OpenIddictApplicationDescriptor[])[Describe(baseUrls), DescribeTools(baseUrls)])
        {
            var existing = await manager.FindByClientIdAsync(descriptor.ClientId!, cancellationToken);
            if (existing is null) await manager.CreateAsync(descriptor, cancellationToken);
            else await manager.UpdateAsync(existing, descriptor, cancellationToken);
        }
        logger.LogInformation("Sign-in server at {Issuer}; clients {Web} and {Tools} registered for {Urls}", urls.PublicUrl,
            AuthSettings.EmbeddedClientId, AuthSettings.EmbeddedToolsClientId, string.Join(", ", baseUrls));
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
