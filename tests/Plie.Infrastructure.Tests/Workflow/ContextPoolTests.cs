using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Plie.Infrastructure.Persistence;
using Plie.Testing;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Workflow;

/// <summary>
/// Scopes lease their <see cref="PlieDbContext"/> from EF's pool; a scope that borrows another's connection and
/// transaction (a service task's) must get a context of its own: a pooled context keeps a connection it was given, so
/// two later leases would share one connection.
/// </summary>
public sealed class ContextPoolTests : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync() => _host = await EngineHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_scope_that_joins_a_transaction_leaves_it_open_and_its_writes_commit_with_it()
    {
        var definitionId = Guid.CreateVersion7();
        await using (var step = _host.Services.CreateAsyncScope())
        {
            var db = step.ServiceProvider.GetRequiredService<PlieDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();

            // As MediatorServiceTaskInvoker does: a scope of its own, on the step's connection and transaction.
            await using (var child = _host.Services.CreateAsyncScope())
            {
                child.ServiceProvider.GetRequiredService<PlieContextSource>().Unpooled();
                var joined = child.ServiceProvider.GetRequiredService<PlieDbContext>();
                var dbTransaction = transaction.GetDbTransaction();
                joined.Database.SetDbConnection(dbTransaction.Connection, contextOwnsConnection: false);
                await joined.Database.UseTransactionAsync(dbTransaction);
                joined.ProcessDefinitions.Add(new ProcessDefinitionRecord
                {
                    Id = definitionId, Key = "pool-test", Version = 1, Xml = "<x/>", Hash = "h", DeployedAt = DateTimeOffset.UtcNow,
                });
                await joined.SaveChangesAsync();
            }

            // The lender's transaction is still there after the child scope ended, and commits the child's write.
            Assert.Equal(1, await db.ProcessDefinitions.CountAsync(d => d.Id == definitionId));
            await transaction.CommitAsync();
        }

        Assert.Equal(1, await _host.Db(db => db.ProcessDefinitions.CountAsync(d => d.Id == definitionId)));

        // Afterwards, scopes at the same time each have a connection of their own: none was left with the step's
        // connection (a pooled context given it would keep it, and share it with the next lease of the step's context).
        var scopes = Enumerable.Range(0, 4).Select(_ => _host.Services.CreateAsyncScope()).ToList();
        try
        {
            var transactions = new List<IDbContextTransaction>();
            foreach (var scope in scopes)
            {
                var db = scope.ServiceProvider.GetRequiredService<PlieDbContext>();
                transactions.Add(await db.Database.BeginTransactionAsync());
                Assert.Equal(1, await db.ProcessDefinitions.CountAsync(d => d.Id == definitionId));
            }
            foreach (var transaction in transactions) await transaction.CommitAsync();
        }
        finally
        {
            foreach (var scope in scopes) await scope.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_unpooled_context_must_be_asked_for_before_the_scope_uses_its_context()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var source = scope.ServiceProvider.GetRequiredService<PlieContextSource>();
        Assert.Same(scope.ServiceProvider.GetRequiredService<PlieDbContext>(), source.Context);
        Assert.Throws<InvalidOperationException>(source.Unpooled);
    }
}
