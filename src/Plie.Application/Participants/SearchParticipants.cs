using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Application.Participants;

/// <summary>
/// Search files by name, birth date and commune, within what the user may see. A search by name or birth date (a lookup
/// of a person) is recorded in the audit trail with its criteria and how many files it returned.
/// </summary>
public sealed record SearchParticipantsQuery(string? Name, DateOnly? BirthDate, string? CommuneInseeCode, int Page = 1, int PageSize = 25)
    : IQuery<ParticipantSearchResult>;

public sealed record ParticipantSearchResult(IReadOnlyList<ParticipantSummary> Items, int Total, int Page, int PageSize);

public sealed record ParticipantSummary(Guid Id, string FirstName, string LastName, DateOnly BirthDate, string CommuneName,
    string? Antenne, string Status, string StatusLabel, string? ReferentUserId);

public sealed class SearchParticipantsValidator : AbstractValidator<SearchParticipantsQuery>
{
    public SearchParticipantsValidator()
    {
        RuleFor(q => q.Page).GreaterThanOrEqualTo(1).WithMessage("La page commence à 1.");
        RuleFor(q => q.PageSize).InclusiveBetween(1, 200).WithMessage("De 1 à 200 résultats par page.");
        RuleFor(q => q.Name).MaximumLength(100);
    }
}

public sealed class SearchParticipantsHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock) : IQueryHandler<SearchParticipantsQuery, ParticipantSearchResult>
{
    public async ValueTask<ParticipantSearchResult> Handle(SearchParticipantsQuery query, CancellationToken ct)
    {
        var q = db.Participants.AsNoTracking().VisibleTo(user);
        if (!string.IsNullOrWhiteSpace(query.Name))
        {
            var term = query.Name.Trim().ToLowerInvariant();
            q = q.Where(p => (p.LastName + " " + p.FirstName).ToLower().Contains(term) || (p.FirstName + " " + p.LastName).ToLower().Contains(term));
        }
        if (query.BirthDate is { } birth) q = q.Where(p => p.BirthDate == birth);
        if (!string.IsNullOrWhiteSpace(query.CommuneInseeCode)) q = q.Where(p => p.CommuneInseeCode == query.CommuneInseeCode);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderBy(p => p.LastName).ThenBy(p => p.FirstName)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .Select(p => new
            {
                p.Id, p.FirstName, p.LastName, p.BirthDate, p.Antenne, p.Status, p.ReferentUserId,
                Commune = db.Communes.Where(c => c.InseeCode == p.CommuneInseeCode).Select(c => c.Name).FirstOrDefault() ?? p.CommuneInseeCode,
            }).ToListAsync(ct);
        if (!string.IsNullOrWhiteSpace(query.Name) || query.BirthDate is not null)
        {
            db.Record(user, null, "participants.searched",
                new { name = query.Name?.Trim(), query.BirthDate, commune = query.CommuneInseeCode, found = total }, clock);
            await db.SaveChangesAsync(ct);
        }
        return new ParticipantSearchResult(rows.Select(r => new ParticipantSummary(r.Id, r.FirstName, r.LastName, r.BirthDate, r.Commune,
            r.Antenne, r.Status.ToString(), GetParticipantFileHandler.StatusLabel(r.Status), r.ReferentUserId)).ToList(), total, query.Page, query.PageSize);
    }
}
