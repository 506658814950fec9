using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Application.Workflow.GetInstanceHistory;

/// <summary>What happened in an instance, in order (oldest first).</summary>
public sealed record GetInstanceHistoryQuery(Guid InstanceId, int Page = 1, int PageSize = Paging.DefaultPageSize)
    : IQuery<PagedResult<HistoryEventView>>, IPagedQuery;

/// <param name="Id">Increases with time: the order of events.</param>
/// <param name="Data">Details (variables set, error, reason…), as JSON.</param>
public sealed record HistoryEventView(
    long Id,
    DateTimeOffset At,
    string Type,
    string? ElementId,
    string? ElementType,
    string? ElementName,
    Guid? TaskId,
    string? UserId,
    JsonNode? Data);

public sealed class GetInstanceHistoryValidator : AbstractValidator<GetInstanceHistoryQuery>
{
    public GetInstanceHistoryValidator()
    {
        RuleFor(q => q.InstanceId).NotEmpty().WithMessage("L'identifiant de l'instance est obligatoire.");
        this.AddPagingRules();
    }
}

public sealed class GetInstanceHistoryHandler(IPlieDbContext db)
    : IQueryHandler<GetInstanceHistoryQuery, PagedResult<HistoryEventView>>
{
    public async ValueTask<PagedResult<HistoryEventView>> Handle(GetInstanceHistoryQuery query, CancellationToken ct)
    {
        if (!await db.ProcessInstances.AnyAsync(i => i.Id == query.InstanceId, ct))
            throw new NotFoundException($"L'instance {query.InstanceId} n'existe pas.");
        var (items, total) = await db.HistoryEvents.AsNoTracking()
            .Where(h => h.InstanceId == query.InstanceId)
            .OrderBy(h => h.Id)
            .ReadPageAsync(query, ct);
        return new PagedResult<HistoryEventView>(
            items.Select(h => new HistoryEventView(h.Id, h.At, h.Type, h.ElementId, h.ElementType, h.ElementName, h.TaskId,
                h.UserId, ParseData(h.Data))).ToList(),
            total, query.Page, query.PageSize);
    }

    /// <summary>A history event's data as JSON (a value that is not JSON comes back as a string).</summary>
    internal static JsonNode? ParseData(string? data)
    {
        if (data is null) return null;
        try
        {
            return JsonNode.Parse(data);
        }
        catch (JsonException)
        {
            return JsonValue.Create(data);
        }
    }
}
