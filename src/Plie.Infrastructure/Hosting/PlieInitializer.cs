using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plie.Infrastructure.Persistence;
using Plie.Infrastructure.Seeding;
using Plie.Workflow;

namespace Plie.Infrastructure.Hosting;

/// <summary>What the app does at start-up: migrate the database, seed reference data, deploy workflows/*.bpmn.</summary>
public static class PlieInitializer
{
    public static async Task InitializeAsync(IServiceProvider services, string? workflowsDirectory, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PlieInitializer));
        var db = scope.ServiceProvider.GetRequiredService<PlieDbContext>();
        await db.Database.MigrateAsync(ct);
        await ReferenceData.SeedAsync(db, ct);
        if (workflowsDirectory is not null) await DeployWorkflowsAsync(scope.ServiceProvider, workflowsDirectory, logger, ct);
    }

    /// <summary>Deploys every .bpmn of the folder: a changed model becomes a new version, an unchanged one is left alone.</summary>
    public static async Task DeployWorkflowsAsync(IServiceProvider services, string directory, ILogger logger, CancellationToken ct)
    {
        if (!Directory.Exists(directory))
        {
            logger.LogWarning("No workflows folder at {Directory}", directory);
            return;
        }
        foreach (var file in Directory.GetFiles(directory, "*.bpmn").Order(StringComparer.Ordinal))
        {
            await using var scope = services.CreateAsyncScope();
            var engine = scope.ServiceProvider.GetRequiredService<IWorkflowEngine>();
            var result = await engine.DeployAsync(await File.ReadAllTextAsync(file, ct), "deploiement", ct);
            logger.LogInformation("{File}: {Key} v{Version} ({State})", Path.GetFileName(file), result.Definition.Key,
                result.Definition.Version, result.Created ? "new version" : "unchanged");
        }
    }
}
