using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Application.ReferenceData;

/// <summary>The reference lists (communes and PLIE membership periods, antennes, prescribers, publics, obstacles, documents).</summary>
public sealed record GetReferenceDataQuery : IQuery<ReferenceDataView>;

public sealed record ReferenceDataView(IReadOnlyList<CommuneView> Communes, IReadOnlyList<AntenneView> Antennes,
    IReadOnlyList<ReferenceItemView> Items);

public sealed record CommuneView(string InseeCode, string Name, IReadOnlyList<string> Districts, IReadOnlyList<MembershipView> Memberships,
    bool MemberToday);
public sealed record MembershipView(int Id, DateOnly From, DateOnly? To);
public sealed record AntenneView(string Code, string Name, IReadOnlyList<string> CommuneInseeCodes, DateOnly ValidFrom, DateOnly? ValidTo);
public sealed record ReferenceItemView(int Id, string Kind, string Code, string Label, DateOnly ValidFrom, DateOnly? ValidTo,
    IReadOnlyList<string> RequiredFor, bool Required, bool ValidToday);

public sealed class GetReferenceDataHandler(IPlieDbContext db, TimeProvider clock) : IQueryHandler<GetReferenceDataQuery, ReferenceDataView>
{
    public async ValueTask<ReferenceDataView> Handle(GetReferenceDataQuery query, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var communes = await db.Communes.AsNoTracking().Include(c => c.Memberships).OrderBy(c => c.Name).ToListAsync(ct);
        var antennes = await db.Antennes.AsNoTracking().OrderBy(a => a.Name).ToListAsync(ct);
        var items = await db.ReferenceItems.AsNoTracking().OrderBy(i => i.Kind).ThenBy(i => i.Label).ToListAsync(ct);
        return new ReferenceDataView(
            communes.Select(c => new CommuneView(c.InseeCode, c.Name, c.Districts,
                c.Memberships.OrderBy(m => m.From).Select(m => new MembershipView(m.Id, m.From, m.To)).ToList(), c.IsMemberOn(today))).ToList(),
            antennes.Select(a => new AntenneView(a.Code, a.Name, a.CommuneInseeCodes, a.ValidFrom, a.ValidTo)).ToList(),
            items.Select(i => new ReferenceItemView(i.Id, i.Kind, i.Code, i.Label, i.ValidFrom, i.ValidTo, i.RequiredFor, i.Required, i.IsValidOn(today))).ToList());
    }
}
