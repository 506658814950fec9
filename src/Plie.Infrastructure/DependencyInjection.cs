using System.Data.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Plie.Application.Common;
using Plie.Infrastructure.Persistence;
using Plie.Infrastructure.Workflow;
using Plie.Workflow;
using Plie.Workflow.Ports;

namespace Plie.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the database (one <see cref="NpgsqlDataSource"/> for the application, a <see cref="PlieDbContext"/> per
    /// scope), the engine with its store, the Mediator handlers (the service-task topics among them) and the job runner.
    /// </summary>
    public static IServiceCollection AddPlieInfrastructure(this IServiceCollection services, string connectionString,
        Action<WorkflowOptions>? configureWorkflow = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // jsonb columns are mapped to strings, so the data source needs no dynamic JSON support.
        services.AddSingleton(_ => CreateDataSource(connectionString));
        // Contexts are pooled: a scope (a web request, an engine step) leases one, reset when the scope ends, instead of
        // building a context and its services each time. A service task's scope gets a context of its own, not pooled,
        // as it borrows the step's connection (see PlieContextSource).
        services.AddPooledDbContextFactory<PlieDbContext>((sp, options) =>
            options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), PlieDbContext.ConfigureNpgsql));
        services.AddScoped<PlieContextSource>();
        services.AddScoped(sp => sp.GetRequiredService<PlieContextSource>().Context);
        services.AddScoped<IPlieDbContext>(sp => sp.GetRequiredService<PlieDbContext>());
        // The accounts' store, for the user directory the use cases ask (who a task can be given to, display names).
        services.AddDbContext<Identity.AuthDbContext>((sp, options) =>
            options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), Identity.AuthDbContext.ConfigureNpgsql));
        services.TryAddScoped<IUserDirectory, Identity.UserDirectory>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<ICurrentUser, SystemUser>();
        services.AddSingleton<Plie.Application.Intake.Contract.IContractRenderer, Documents.ContractPdfRenderer>();
        services.TryAddSingleton(new Plie.Application.Intake.StartIntake.IntakeSettings());
        services.TryAddSingleton(new Plie.Application.Supervision.SupervisionSettings());

        // The engine, its store, and service tasks run as Mediator requests.
        services.AddPlieWorkflow(configureWorkflow);
        services.AddSingleton<SharedStepTransactions>();
        services.AddScoped<IWorkflowStore, EfWorkflowStore>();
        // Built with its parameterless constructor: left to DI, the constructor taking IEnumerable<Assembly> would win
        // and get an empty list (an empty catalogue: every topic unknown).
        services.AddSingleton(_ => new MediatorTopicCatalog());
        services.AddSingleton<ITopicCatalog>(sp => sp.GetRequiredService<MediatorTopicCatalog>());
        services.AddScoped<IServiceTaskInvoker, MediatorServiceTaskInvoker>();
        services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
        foreach (var validator in typeof(ICurrentUser).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false })
                     .SelectMany(t => t.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>))
                         .Select(i => (Service: i, Implementation: t))))
            services.AddScoped(validator.Service, validator.Implementation);

        // The job runner: timers, async continuations, retries. Also told when a step creates a job due now.
        services.AddSingleton<JobRunner>();
        services.AddSingleton<IJobNotifier>(sp => sp.GetRequiredService<JobRunner>());
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        return services;
    }

    /// <summary>
    /// The application's data source. Unless the connection string says otherwise, statements are prepared
    /// automatically on each physical connection from their second use on (the engine sends the same few statements
    /// on every step): PostgreSQL then parses and plans them once per connection instead of once per execution. And
    /// pooled connections are not reset when returned (Plie sets no session state).
    /// </summary>
    internal static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        // Npgsql's builder knows every keyword; the keywords actually given are those of its (canonical) string.
        var given = new DbConnectionStringBuilder { ConnectionString = settings.ConnectionString };
        if (!given.ContainsKey("Max Auto Prepare"))
            settings.MaxAutoPrepare = 64;
        if (!given.ContainsKey("Auto Prepare Min Usages"))
            settings.AutoPrepareMinUsages = 2;
        // Plie keeps no session state on its connections (no SET, temp tables, advisory locks, LISTEN): the reset
        // Npgsql would run on every connection taken back from the pool is pure overhead on every step.
        if (!given.ContainsKey("No Reset On Close"))
            settings.NoResetOnClose = true;
        return builder.Build();
    }
}
