using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Plie.Application.Common;

namespace Plie.Web.Hosting;

public static class UiServices
{
    /// <summary>
    /// What the Blazor UI needs besides Razor components and MudBlazor: the circuit's user as <see cref="ICurrentUser"/>
    /// (wrapping the <see cref="ICurrentUser"/> registered so far — call this after it), <see cref="UiSender"/>, and
    /// the sign-in placeholder (see <see cref="UiSignInPlaceholderHandler"/>).
    /// </summary>
    public static WebApplicationBuilder AddPlieUi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var request = services.LastOrDefault(d => d.ServiceType == typeof(ICurrentUser))
                      ?? throw new InvalidOperationException("Register ICurrentUser before calling AddPlieUi.");
        services.AddScoped<UiUserContext>();
        services.AddScoped<ICurrentUser>(sp => new CircuitAwareCurrentUser(sp.GetRequiredService<UiUserContext>(), Create(sp, request)));
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, UiUserCircuitHandler>());
        services.AddScoped<UiSender>();
        services.AddScoped<Components.Shared.ReferenceDataCache>();
        services.AddTransient<MudBlazor.MudLocalizer, Components.Shared.FrenchMudLocalizer>();

        services.AddAuthorization();
        var devUser = builder.Environment.IsDevelopment()
            ? builder.Configuration.GetSection("Plie:Ui:DevUser").Get<DevUserOptions>()
            : null;
        services.AddAuthentication().AddScheme<UiSignInPlaceholderOptions, UiSignInPlaceholderHandler>(
            UiSignInPlaceholderHandler.SchemeName, o => o.DevUser = devUser is { Id.Length: > 0 } ? devUser : null);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AuthenticationOptions>, UiSignInPlaceholderDefaults>());
        if (devUser is { Id.Length: > 0 })
            services.AddHostedService(sp => new DevUserWarning(sp.GetRequiredService<ILogger<DevUserWarning>>(), devUser));
        return builder;
    }

    private static ICurrentUser Create(IServiceProvider sp, ServiceDescriptor descriptor) => descriptor switch
    {
        { ImplementationInstance: ICurrentUser instance } => instance,
        { ImplementationFactory: { } factory } => (ICurrentUser)factory(sp),
        { ImplementationType: { } type } => (ICurrentUser)ActivatorUtilities.CreateInstance(sp, type),
        _ => throw new InvalidOperationException("Unsupported ICurrentUser registration."),
    };

    private sealed class DevUserWarning(ILogger<DevUserWarning> logger, DevUserOptions user) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogWarning("DEVELOPMENT ONLY: Plie:Ui:DevUser signs every request in as {User} ({Roles}) until the real sign-in is configured.",
                user.Id, user.Roles);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
