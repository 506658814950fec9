using Microsoft.EntityFrameworkCore;

namespace Plie.Infrastructure.Persistence;

/// <summary>
/// Where a scope's <see cref="PlieDbContext"/> comes from: leased from EF's context pool (returned, its state reset,
/// when the scope disposes it), or, for a scope that will run on a connection it borrows (a service task joining the
/// step's connection and transaction), a context of its own that nothing reuses. A pooled context must never be given
/// a borrowed connection: the pool would keep it, and close it when the context is returned, in the middle of the step.
/// </summary>
public sealed class PlieContextSource(IDbContextFactory<PlieDbContext> pool, DbContextOptions<PlieDbContext> options)
{
    private PlieDbContext? _context;
    private bool _unpooled;

    /// <summary>The scope's context, created on first use. The scope disposes it.</summary>
    public PlieDbContext Context => _context ??= _unpooled ? new PlieDbContext(options) : pool.CreateDbContext();

    /// <summary>Asks for a context outside the pool; only before the scope's context was first used.</summary>
    public void Unpooled()
    {
        if (_context is not null)
            throw new InvalidOperationException("The scope's context is already in use: ask for an unpooled one before resolving it.");
        _unpooled = true;
    }
}
