using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Plie.Web.Auth;

/// <summary>
/// Registers (or updates) the embedded server's client <c>plie-web</c>, the app itself, once the server listens: its
/// redirect URIs are <c>/signin-oidc</c> and <c>/signout-callback-oidc</c> under <c>Plie:PublicUrl</c> and under every
/// address the server actually listens on (loopback names included). So a random port (tests) or
/// <c>127.0.0.1</c> instead of <c>localhost</c> work, while redirect URIs stay exact matches of registered ones.
/// A public client: the code flow requires PKCE.
/// </summary>
public sealed class ClientRegistration(IServiceScopeFactory scopes, PlieUrls urls, ILogger<ClientRegistration> logger) : IHostedLifecycleService
{
    public static OpenIddictApplicationDescriptor Describe(IEnumerable<Uri> baseUrls)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = AuthSettings.EmbeddedClientId,
            DisplayName = "Plie",
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
            descriptor.RedirectUris.Add(PlieUrls.Combine(baseUrl, "signin-oidc"));
            descriptor.PostLogoutRedirectUris.Add(PlieUrls.Combine(baseUrl, "signout-callback-oidc"));
        }
        return descriptor;
    }

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var baseUrls = urls.BrowserBaseUrls;
        var descriptor = Describe(baseUrls);
        var existing = await manager.FindByClientIdAsync(AuthSettings.EmbeddedClientId, cancellationToken);
        if (existing is null) await manager.CreateAsync(descriptor, cancellationToken);
        else await manager.UpdateAsync(existing, descriptor, cancellationToken);
        logger.LogInformation("Sign-in server at {Issuer}; client {ClientId} registered for {Urls}", urls.PublicUrl,
            AuthSettings.EmbeddedClientId, string.Join(", ", baseUrls));
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
