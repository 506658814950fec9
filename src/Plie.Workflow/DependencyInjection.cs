using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;
using Plie.Workflow.Runtime.DryRun;

namespace Plie.Workflow;

public static class DependencyInjection
{
    /// <summary>The engine. The host provides the store, the service-task invoker and the topic catalogue.</summary>
    public static IServiceCollection AddPlieWorkflow(this IServiceCollection services, Action<WorkflowOptions>? configure = null)
    {
        services.AddOptions<WorkflowOptions>().Configure(o => configure?.Invoke(o));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DefinitionCache>();
        services.TryAddSingleton<IFormCatalog, AnyFormCatalog>();
        services.TryAddScoped<IWorkflowEngine, WorkflowEngine>();
        services.TryAddSingleton<DryRunFactory>();
        return services;
    }

    /// <summary>Until forms are registered, every form key is accepted.</summary>
    private sealed class AnyFormCatalog : IFormCatalog
    {
        public bool IsKnown(string formKey) => true;
    }
}
