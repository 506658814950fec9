using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Application.Participants;

/// <summary>
/// The names of the participants behind a list of business keys (e.g. one inbox page), in one query, within what the
/// user may see. Keys that are not participant ids, or files the user may not see, are left out.
/// </summary>
public sealed record GetParticipantNamesQuery(IReadOnlyList<string> BusinessKeys) : IQuery<IReadOnlyDictionary<string, ParticipantName>>;

public sealed record ParticipantName(Guid Id, string FirstName, string LastName, string? Antenne)
{
    public string FullName => $"{FirstName} {LastName.ToUpperInvariant()}";
}

public sealed class GetParticipantNamesValidator : AbstractValidator<GetParticipantNamesQuery>
{
    public GetParticipantNamesValidator() =>
        RuleFor(q => q.BusinessKeys.Count).LessThanOrEqualTo(500).OverridePropertyName(nameof(GetParticipantNamesQuery.BusinessKeys))
            .WithMessage("500 dossiers au plus.");
}

public sealed class GetParticipantNamesHandler(IPlieDbContext db, ICurrentUser user)
    : IQueryHandler<GetParticipantNamesQuery, IReadOnlyDictionary<string, ParticipantName>>
{
    public async ValueTask<IReadOnlyDictionary<string, ParticipantName>> Handle(GetParticipantNamesQuery query, CancellationToken ct)
    {
        var ids = query.BusinessKeys.Select(k => Guid.TryParse(k, out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty).Distinct().ToList();
        if (ids.Count == 0) return new Dictionary<string, ParticipantName>();
        var names = await db.Participants.AsNoTracking().VisibleTo(user).Where(p => ids.Contains(p.Id))
            .Select(p => new ParticipantName(p.Id, p.FirstName, p.LastName, p.Antenne)).ToListAsync(ct);
        // Keyed by the business keys as given (whatever their case), so that callers can look their rows up directly.
        var byId = names.ToDictionary(n => n.Id);
        var result = new Dictionary<string, ParticipantName>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in query.BusinessKeys)
            if (Guid.TryParse(key, out var id) && byId.TryGetValue(id, out var name))
                result[key] = name;
        return result;
    }
}
