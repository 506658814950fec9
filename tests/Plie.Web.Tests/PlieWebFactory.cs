using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plie.Infrastructure.Workflow;
using Plie.Testing;

namespace Plie.Web.Tests;

/// <summary>
/// The real web app on a fresh, migrated PostgreSQL database of its own. The background job runner is off: tests run
/// due jobs themselves (<see cref="RunDueJobsAsync"/>), and failed jobs are retried without delay.
/// </summary>
public sealed class PlieWebFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>More settings or test services for this app. (A property: as an xUnit class fixture, the factory needs
    /// its single parameterless constructor.)</summary>
    public Action<IWebHostBuilder>? Configure { get; init; }

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await EngineHost.CreateDatabaseAsync();
        _ = Server; // start the app now: migrations, reference data, workflows/*.bpmn
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Plie", ConnectionString);
        builder.UseSetting("Plie:Workflow:RunJobs", "false");
        builder.UseSetting("Plie:Workflow:RetryBackoff", "00:00:00");
        builder.UseSetting("Plie:Auth:EphemeralKeys", "true");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services => services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = TestAuthHandler.SchemeName;
                o.DefaultAuthenticateScheme = TestAuthHandler.SchemeName;
                o.DefaultChallengeScheme = TestAuthHandler.SchemeName;
                o.DefaultForbidScheme = TestAuthHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null));
        Configure?.Invoke(builder);
    }

    /// <summary>Runs the jobs due now, as the job runner would, until none is left (or <paramref name="maxRounds"/>).</summary>
    public async Task<int> RunDueJobsAsync(int maxRounds = 1)
    {
        var runner = Services.GetRequiredService<JobRunner>();
        var total = 0;
        for (var i = 0; i < maxRounds; i++)
        {
            var ran = await runner.RunDueJobsAsync(CancellationToken.None);
            if (ran == 0) break;
            total += ran;
        }
        return total;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (ConnectionString.Length > 0) await TestDatabases.DropAsync(ConnectionString);
    }
}
