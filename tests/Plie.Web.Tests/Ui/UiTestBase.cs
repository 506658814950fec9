using System.Net.Http.Json;
using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Plie.Web.Hosting;

namespace Plie.Web.Tests.Ui;

/// <summary>
/// The app with a test sign-in (the <c>X-Test-User</c> header) standing for the real one; use cases sent as the UI
/// sends them: in a scope of their own acting as a circuit's user.
/// </summary>
public abstract class UiTestBase : IAsyncLifetime, UiTestBaseAccess
{
    protected PlieWebFactory App { get; } = new();

    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)App).InitializeAsync();
        Client = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await ((IAsyncLifetime)App).DisposeAsync();
    }

    protected Task<HttpResponseMessage> GetAs(TestPrincipal? user, string url, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add(TestAuthHandler.Header, user?.Header ?? "anonymous");
        if (accept is not null) request.Headers.Add("Accept", accept);
        return Client.SendAsync(request);
    }

    protected Task<HttpResponseMessage> PostAs(TestPrincipal user, string url, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add(TestAuthHandler.Header, user.Header);
        return Client.SendAsync(request);
    }

    /// <summary>Sends a use case as the UI does for this user (null: the system, as the engine's background steps).</summary>
    protected async Task<T> SendAs<T>(TestPrincipal? user, Func<ISender, ValueTask<T>> send)
    {
        await using var scope = App.Services.CreateAsyncScope();
        if (user is not null) scope.ServiceProvider.GetRequiredService<UiUserContext>().Set(user.ToClaims());
        return await send(scope.ServiceProvider.GetRequiredService<ISender>());
    }

    protected Task SendAs(TestPrincipal? user, Func<ISender, ValueTask<Unit>> send) => SendAs<Unit>(user, send);

    Task<T> UiTestBaseAccess.Send<T>(TestPrincipal? user, Func<ISender, ValueTask<T>> send) => SendAs(user, send);

    protected UiTestBaseAccess Use => this;

    protected static ClaimsPrincipal Anonymous => new(new ClaimsIdentity());
}
