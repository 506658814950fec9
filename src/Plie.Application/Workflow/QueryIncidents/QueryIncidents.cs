using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Application.Workflow.QueryIncidents;

/// <summary>Incidents, newest first: open ones only unless <paramref name="IncludeResolved"/>.</summary>
public sealed record QueryIncidentsQuery(
    string? ProcessKey = null,
    Guid? InstanceId = null,
    bool IncludeResolved = false,
    int Page = 1,
    int PageSize = Paging.DefaultPageSize) : IQuery<PagedResult<IncidentView>>, IPagedQuery;

public sealed class QueryIncidentsValidator : AbstractValidator<QueryIncidentsQuery>
{
    public QueryIncidentsValidator() => this.AddPagingRules();
}

public sealed class QueryIncidentsHandler(IPlieDbContext db) : IQueryHandler<QueryIncidentsQuery, PagedResult<IncidentView>>
{
    public async ValueTask<PagedResult<IncidentView>> Handle(QueryIncidentsQuery query, CancellationToken ct)
    {
        var incidents = db.Incidents.AsNoTracking();
        if (!query.IncludeResolved) incidents = incidents.Where(i => i.ResolvedAt == null);
        if (query.InstanceId is { } instanceId) incidents = incidents.Where(i => i.InstanceId == instanceId);
        var instances = db.ProcessInstances.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.ProcessKey)) instances = instances.Where(p => p.DefinitionKey == query.ProcessKey);
        var (items, total) = await IncidentView.Join(incidents, instances)
            .OrderByDescending(r => r.Incident.CreatedAt).ThenByDescending(r => r.Incident.Id)
            .ReadPageAsync(query, ct);
        return new PagedResult<IncidentView>(items.Select(IncidentView.From).ToList(), total, query.Page, query.PageSize);
    }
}
