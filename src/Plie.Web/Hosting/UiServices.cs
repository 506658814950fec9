using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plie.Application.Common;

namespace Plie.Web.Hosting;

public static class UiServices
{
    /// <summary>
    /// What the Blazor UI needs besides Razor components and MudBlazor: the circuit's user as <see cref="ICurrentUser"/>
    /// (wrapping the <see cref="ICurrentUser"/> registered so far — call this after it) and <see cref="UiSender"/>.
    /// Sign-in is <c>AddPlieAuthentication</c>'s.
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
        // The task forms of the screens: what the deploy check and the designer's form picker know (replaces the
        // engine's accept-all default).
        services.AddSingleton<Plie.Workflow.Ports.IFormCatalog, Components.Tasks.TaskFormCatalog>();
        services.AddTransient<MudBlazor.MudLocalizer, Components.Shared.FrenchMudLocalizer>();

        return builder;
    }

    private static ICurrentUser Create(IServiceProvider sp, ServiceDescriptor descriptor) => descriptor switch
    {
        { ImplementationInstance: ICurrentUser instance } => instance,
        { ImplementationFactory: { } factory } => (ICurrentUser)factory(sp),
        { ImplementationType: { } type } => (ICurrentUser)ActivatorUtilities.CreateInstance(sp, type),
        _ => throw new InvalidOperationException("Unsupported ICurrentUser registration."),
    };
}
