using Plie.Domain.Participants;

namespace Plie.Application.Common;

/// <summary>
/// Who may see which participant files, enforced on the server for the UI and the API alike:
/// superviseur, responsable and administrateur see every file; a conseiller the files of his antenne and those he is
/// référent of; statistiques the files it controls (in intake, or entered); Candidathèque and Boussole the participants.
/// </summary>
public static class ParticipantAccess
{
    public static IQueryable<Participant> VisibleTo(this IQueryable<Participant> participants, ICurrentUser user)
    {
        if (user.IsInRole(PlieRoles.Superviseur) || user.IsInRole(PlieRoles.ResponsableAccompagnement)
            || user.IsInRole(PlieRoles.Administrateur))
            return participants;
        var id = user.Id;
        var antenne = user.Antenne;
        var conseiller = user.IsInRole(PlieRoles.Conseiller);
        var statistiques = user.IsInRole(PlieRoles.Statistiques);
        var serving = user.IsInRole(PlieRoles.ConseillerEmploi) || user.IsInRole(PlieRoles.ReferentOrientation);
        return participants.Where(p =>
            (conseiller && (p.ReferentUserId == id || p.CreatedBy == id || (antenne != null && p.Antenne == antenne)))
            || (statistiques && p.Status != ParticipantStatus.Refused)
            || (serving && p.Status == ParticipantStatus.Participant));
    }

    /// <summary>Superviseur, responsable and administrateur oversee every case and task.</summary>
    public static bool Oversees(ICurrentUser user) =>
        user.IsInRole(PlieRoles.Superviseur) || user.IsInRole(PlieRoles.ResponsableAccompagnement) || user.IsInRole(PlieRoles.Administrateur);

    /// <summary>Whether the user may read the written reports (interviews, opinions): not the Département Statistiques alone.</summary>
    public static bool CanReadReports(ICurrentUser user) =>
        user.Roles.Any(r => r != PlieRoles.Statistiques && r != PlieRoles.GestionnaireProcedures);
}
