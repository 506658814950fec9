using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Plie.Infrastructure.Persistence;
using Plie.Workflow.Ports;

namespace Plie.Infrastructure.Workflow;

/// <summary>
/// Runs a service task's Mediator request in a DI scope of its own, on the step's connection and transaction: the
/// handler's writes commit or roll back with the step. A savepoint undoes a failed handler's writes, so that a BPMN
/// error caught by a boundary event leaves nothing half done.
/// </summary>
public sealed class MediatorServiceTaskInvoker(PlieDbContext stepDb, IWorkflowStore store, MediatorTopicCatalog catalog,
    IServiceScopeFactory scopes)
    : IServiceTaskInvoker
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    public async Task<IReadOnlyDictionary<string, JsonNode?>> InvokeAsync(string topic, JsonObject input,
        ServiceTaskContext context, CancellationToken ct)
    {
        if (!catalog.IsKnown(topic)) throw new InvalidOperationException($"Aucun traitement n'est enregistré pour le topic « {topic} ».");
        var requestType = catalog.RequestType(topic);
        object request;
        try
        {
            request = input.Deserialize(requestType, Json)
                      ?? throw new InvalidOperationException($"Les variables ne forment pas une requête {requestType.Name}.");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Les variables du processus ne conviennent pas au traitement « {topic} » : {e.Message}", e);
        }

        // Make what the step has done so far visible to the handler, on the same transaction.
        await store.SaveChangesAsync(ct);
        var transaction = stepDb.Database.CurrentTransaction?.GetDbTransaction();
        const string savepoint = "service_task";
        if (transaction is not null) await transaction.SaveAsync(savepoint, ct);
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            if (transaction is not null)
            {
                // A context of its own, not leased from the pool: it is given the step's connection.
                scope.ServiceProvider.GetRequiredService<PlieContextSource>().Unpooled();
                await JoinAsync(scope.ServiceProvider.GetRequiredService<PlieDbContext>(), transaction, ct);
            }
            var response = await scope.ServiceProvider.GetRequiredService<ISender>().Send(request, ct);
            if (transaction is not null) await transaction.ReleaseAsync(savepoint, ct);
            if (response is null or Unit) return new Dictionary<string, JsonNode?>();
            var node = JsonSerializer.SerializeToNode(response, response.GetType(), Json) as JsonObject;
            return node?.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone()) ?? new Dictionary<string, JsonNode?>();
        }
        catch
        {
            if (transaction is not null) await transaction.RollbackAsync(savepoint, CancellationToken.None);
            throw;
        }
    }

    private static async Task JoinAsync(PlieDbContext db, DbTransaction transaction, CancellationToken ct)
    {
        db.Database.SetDbConnection(transaction.Connection, contextOwnsConnection: false);
        await db.Database.UseTransactionAsync(transaction, ct);
    }
}
