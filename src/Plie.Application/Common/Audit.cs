using System.Text.Json;
using Plie.Domain.Auditing;

namespace Plie.Application.Common;

public static class Audit
{
    /// <summary>Records who did what to a participant's file; saved with the change it describes.</summary>
    public static void Record(this IPlieDbContext db, ICurrentUser user, Guid? participantId, string action, object? details,
        TimeProvider clock) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(), UserId = user.Id, ParticipantId = participantId, Action = action,
            Details = details is null ? null : JsonSerializer.Serialize(details, JsonSerializerOptions.Web),
        });
}
