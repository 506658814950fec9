using System.Text.Json.Serialization;
using MudBlazor.Services;
using Plie.Application.Common;
using Plie.Application.Intake.StartIntake;
using Plie.Application.Supervision;
using Plie.Infrastructure;
using Plie.Infrastructure.Hosting;
using Plie.Infrastructure.Postgres;
using Plie.Web.Api;
using Plie.Web.Auth;
using Plie.Web.Components;
using Plie.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

// No connection string configured: start (or reuse) a local PostgreSQL from the machine's binaries.
var connectionString = builder.Configuration.GetConnectionString("Plie");
LocalPostgres? localPostgres = null;
if (string.IsNullOrWhiteSpace(connectionString))
{
    using var loggers = LoggerFactory.Create(l => l.AddConsole());
    localPostgres = await LocalPostgres.StartAsync(new LocalPostgresOptions
    {
        DataDirectory = builder.Configuration["Plie:LocalPostgres:DataDirectory"] ?? LocalPostgres.DefaultDataDirectory(),
        Durable = true,
        StopOnDispose = true,
    }, loggers.CreateLogger<LocalPostgres>(), CancellationToken.None);
    connectionString = localPostgres.ConnectionString;
}

builder.Services.AddSingleton(builder.Configuration.GetSection("Plie:Intake").Get<IntakeSettings>() ?? new IntakeSettings());
builder.Services.AddSingleton(builder.Configuration.GetSection("Plie:Supervision").Get<SupervisionSettings>() ?? new SupervisionSettings());
builder.Services.AddPlieInfrastructure(connectionString, o => builder.Configuration.GetSection("Plie:Workflow").Bind(o));
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<ICurrentUser, HttpCurrentUser>();
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailsExceptionHandler.ApplyFrenchDefaults);
builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
// Binding failures (malformed JSON, a wrong type, a missing body…) throw, so the handler above answers them in French.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
    // {"a": 1, "a": 2} is refused while reading (400).
    o.SerializerOptions.AllowDuplicateProperties = false;
    o.SerializerOptions.Converters.Add(new StrictJsonObjectConverter());
});
builder.Services.AddOpenApi();
builder.AddPlieAuthentication();
// The Blazor UI (Components/): interactive server rendering with MudBlazor; AddPlieUi after ICurrentUser (it wraps it).
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
builder.Services.AddCascadingAuthenticationState();
builder.AddPlieUi();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages(ProblemDetailsExceptionHandler.WriteStatusCodeProblemAsync);
app.UsePlieAuthentication(); // authentication, authorization, antiforgery
app.MapStaticAssets().AllowAnonymous();
app.MapOpenApi().AllowAnonymous();
app.MapWorkflowApi();
app.MapIntakeApi();
app.MapDesignerApi();
app.MapSupervisionApi();
app.MapFileEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await PlieInitializer.InitializeAsync(app.Services,
    builder.Configuration["Plie:WorkflowsPath"] ?? Path.Combine(AppContext.BaseDirectory, "workflows"));
await app.InitializePlieAuthenticationAsync();
if (localPostgres is not null)
    app.Lifetime.ApplicationStopped.Register(() => localPostgres.DisposeAsync().AsTask().GetAwaiter().GetResult());

app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
