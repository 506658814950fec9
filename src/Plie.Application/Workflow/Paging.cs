using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace Plie.Application.Workflow;

/// <summary>A query that returns one page of a list.</summary>
public interface IPagedQuery
{
    /// <summary>1-based page number.</summary>
    int Page { get; }
    int PageSize { get; }
}

/// <summary>One page of a list, with the total number of items matching the query.</summary>
/// <param name="HasMore">For lists that are not counted (a count would cost a scan of every match): more items follow
/// this page, and <paramref name="Total"/> is only the number of items up to the end of this page.</param>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize, bool HasMore = false)
{
    /// <summary>The pages known: every page when counted, else up to the next one.</summary>
    public int PageCount => PageSize <= 0 ? 0 : (int)Math.Ceiling(Total / (double)PageSize) + (HasMore ? 1 : 0);
}

public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    /// <summary>Keeps (page - 1) × page size far from overflowing.</summary>
    public const int MaxPage = 1_000_000;

    /// <summary>Page ≥ 1 (and not absurdly far), 1 ≤ page size ≤ <see cref="MaxPageSize"/>.</summary>
    public static void AddPagingRules<T>(this AbstractValidator<T> validator) where T : IPagedQuery
    {
        validator.RuleFor(q => q.Page).InclusiveBetween(1, MaxPage)
            .WithMessage($"Le numéro de page doit être compris entre 1 et {MaxPage}.");
        validator.RuleFor(q => q.PageSize).InclusiveBetween(1, MaxPageSize)
            .WithMessage($"La taille de page doit être comprise entre 1 et {MaxPageSize}.");
    }

    /// <summary>Counts the query, then reads the requested page of it (the query must be ordered).</summary>
    public static async Task<(List<T> Items, int Total)> ReadPageAsync<T>(this IQueryable<T> ordered, IPagedQuery query,
        CancellationToken ct)
    {
        var total = await ordered.CountAsync(ct);
        var items = total == 0
            ? []
            : await ordered.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(ct);
        return (items, total);
    }
}
