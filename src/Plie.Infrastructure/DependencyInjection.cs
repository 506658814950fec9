using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Plie.Infrastructure.Persistence;
using Plie.Infrastructure.Workflow;
using Plie.Workflow.Ports;

namespace Plie.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the database (one <see cref="NpgsqlDataSource"/> for the application, a <see cref="PlieDbContext"/> per
    /// scope) and the engine's store.
    /// </summary>
    public static IServiceCollection AddPlieInfrastructure(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // jsonb columns are mapped to strings, so the data source needs no dynamic JSON support.
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        services.AddDbContext<PlieDbContext>((sp, options) =>
            options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), PlieDbContext.ConfigureNpgsql));
        services.AddScoped<IWorkflowStore, EfWorkflowStore>();

        return services;
    }
}
