using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow.Runtime;

namespace Plie.Application.Workflow.QueryInstances;

/// <summary>Process instances, newest first, filtered by process, business key and state.</summary>
/// <param name="State">Running, Completed, Cancelled or Terminated (case-insensitive).</param>
public sealed record QueryInstancesQuery(
    string? ProcessKey = null,
    string? BusinessKey = null,
    string? State = null,
    int Page = 1,
    int PageSize = Paging.DefaultPageSize) : IQuery<PagedResult<InstanceView>>, IPagedQuery;

public sealed class QueryInstancesValidator : AbstractValidator<QueryInstancesQuery>
{
    public QueryInstancesValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.State).Must(s => ParseState(s) is not null).When(q => !string.IsNullOrWhiteSpace(q.State))
            .WithMessage($"L'état doit être l'un de : {string.Join(", ", Enum.GetNames<InstanceState>())}.");
    }

    /// <summary>The state by name (not by number), ignoring case; null if it is none.</summary>
    internal static InstanceState? ParseState(string? text) =>
        Enum.GetValues<InstanceState>().Cast<InstanceState?>()
            .FirstOrDefault(s => string.Equals(s.ToString(), text?.Trim(), StringComparison.OrdinalIgnoreCase));
}

public sealed class QueryInstancesHandler(IPlieDbContext db) : IQueryHandler<QueryInstancesQuery, PagedResult<InstanceView>>
{
    public async ValueTask<PagedResult<InstanceView>> Handle(QueryInstancesQuery query, CancellationToken ct)
    {
        var instances = db.ProcessInstances.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.ProcessKey)) instances = instances.Where(i => i.DefinitionKey == query.ProcessKey);
        if (!string.IsNullOrWhiteSpace(query.BusinessKey)) instances = instances.Where(i => i.BusinessKey == query.BusinessKey);
        if (QueryInstancesValidator.ParseState(query.State) is { } state) instances = instances.Where(i => i.State == state);
        var (items, total) = await instances
            .OrderByDescending(i => i.StartedAt).ThenByDescending(i => i.Id)
            .ReadPageAsync(query, ct);
        return new PagedResult<InstanceView>(items.Select(InstanceView.From).ToList(), total, query.Page, query.PageSize);
    }
}
