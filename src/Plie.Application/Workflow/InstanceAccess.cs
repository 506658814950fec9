using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow.Runtime;

namespace Plie.Application.Workflow;

/// <summary>
/// Who may see a case and act on it. A case whose business key is a participant id is seen by whoever may see that
/// participant (<see cref="ParticipantAccess"/>); other cases by those who oversee the procedures. Acting on a case
/// (retry, reassign, cancel, migrate) is for those who oversee them; the action is audited on the participant's file.
/// </summary>
public static class InstanceAccess
{
    public const string ActionsRefused = "Seuls le superviseur, le responsable du Département Accompagnement et l'administrateur peuvent agir sur une procédure.";

    /// <summary>The participant a case is about, when its business key is the id of an existing participant.</summary>
    public static async Task<Guid?> ParticipantOfAsync(IPlieDbContext db, string? businessKey, CancellationToken ct)
    {
        if (!Guid.TryParse(businessKey, out var id)) return null;
        return await db.Participants.AnyAsync(p => p.Id == id, ct) ? id : null;
    }

    /// <summary>Throws <see cref="NotFoundException"/> when the user may not see the case (as if it did not exist).</summary>
    public static async Task EnsureVisibleAsync(IPlieDbContext db, ICurrentUser user, ProcessInstanceRecord instance, CancellationToken ct)
    {
        if (ParticipantAccess.Oversees(user)) return;
        var participant = await ParticipantOfAsync(db, instance.BusinessKey, ct);
        if (participant is { } id && await db.Participants.VisibleTo(user).AnyAsync(p => p.Id == id, ct)) return;
        throw new NotFoundException("Cette procédure n'existe pas ou ne vous est pas accessible.");
    }

    /// <summary>Throws <see cref="UnauthorizedAccessException"/> unless the user oversees the procedures.</summary>
    public static void EnsureMayAct(ICurrentUser user)
    {
        if (!ParticipantAccess.Oversees(user)) throw new UnauthorizedAccessException(ActionsRefused);
    }

    public const string VersionMigrationRefused = "Seuls le gestionnaire des procédures, le superviseur, le responsable du Département Accompagnement et l'administrateur peuvent migrer les dossiers d'une version.";

    /// <summary>
    /// Throws <see cref="UnauthorizedAccessException"/> unless the user may move every running case of a version to
    /// another: those who oversee the procedures, and the gestionnaire des procédures, who publishes the versions.
    /// </summary>
    public static void EnsureMayMigrateVersion(ICurrentUser user)
    {
        if (!ParticipantAccess.Oversees(user) && !user.IsInRole(PlieRoles.GestionnaireProcedures))
            throw new UnauthorizedAccessException(VersionMigrationRefused);
    }

    /// <summary>Audits an action on a case on its participant's file, if it has one (saved with the engine's step).</summary>
    public static async Task AuditAsync(IPlieDbContext db, ICurrentUser user, string? businessKey, string action, object details,
        TimeProvider clock, CancellationToken ct)
    {
        if (await ParticipantOfAsync(db, businessKey, ct) is { } participantId)
            db.Record(user, participantId, action, details, clock);
    }
}
