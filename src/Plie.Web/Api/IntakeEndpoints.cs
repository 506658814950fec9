using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Plie.Application.Intake.StartIntake;
using Plie.Application.Participants;
using Plie.Application.ReferenceData;
using Plie.Web.Auth;

namespace Plie.Web.Api;

/// <summary>The intake of a person oriented to the PLIE, under /api/intake (one route group, for access rules).</summary>
public static class IntakeEndpoints
{
    public static IEndpointRouteBuilder MapIntakeApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/intake").WithTags("Accueil");

        group.MapPost("", async Task<CreatedAtRoute<StartIntakeResult>> (StartIntakeCommand command, ISender sender, CancellationToken ct) =>
            {
                var result = await sender.Send(command, ct);
                return TypedResults.CreatedAtRoute(result, "GetInstance", new { id = result.ProcessInstanceId });
            })
            .WithName("StartIntake")
            .WithSummary("Orienter une personne vers le PLIE : crée son dossier et démarre la procédure d'entrée")
            .WithDescription("Répond 201 avec { participantId, processInstanceId } ; l'en-tête Location désigne l'instance de la procédure d'entrée.")
            .ProducesProblems(400, 415, 422);

        // Participant files, within what the user may see (a file outside it answers 404, as one that does not exist).
        var participants = app.MapGroup("/api/participants").WithTags("Dossiers participants");
        participants.MapGet("", (ISender sender, CancellationToken ct, string? name, DateOnly? birthDate, string? commune, int? page, int? pageSize) =>
                sender.Send(new SearchParticipantsQuery(name, birthDate, commune, page ?? 1, pageSize ?? 25), ct))
            .WithName("SearchParticipants")
            .WithSummary("Rechercher des dossiers (nom, date de naissance, commune), parmi ceux que l'on peut voir")
            .ProducesProblems(400);
        participants.MapGet("/{id:guid}", (Guid id, ISender sender, CancellationToken ct) => sender.Send(new GetParticipantFileQuery(id), ct))
            .WithName("GetParticipantFile")
            .WithSummary("Lire un dossier participant (la lecture est tracée)")
            .ProducesProblems(404);

        // Reference data: read by everyone signed in, edited by an administrateur.
        var reference = app.MapGroup("/api/reference-data").WithTags("Référentiels");
        reference.MapGet("", (ISender sender, CancellationToken ct) => sender.Send(new GetReferenceDataQuery(), ct))
            .WithName("GetReferenceData")
            .WithSummary("Communes et périodes d'adhésion au PLIE, antennes, listes de référence");
        reference.MapPost("/memberships", (SaveMembershipCommand command, ISender sender, CancellationToken ct) => sender.Send(command, ct))
            .WithName("SaveMembership").WithSummary("Ajouter ou modifier une période d'adhésion d'une commune")
            .ProducesProblems(400, 404).RequireAuthorization(PliePolicies.Administration);
        reference.MapPost("/items", (SaveReferenceItemCommand command, ISender sender, CancellationToken ct) => sender.Send(command, ct))
            .WithName("SaveReferenceItem").WithSummary("Ajouter ou modifier une entrée d'une liste de référence")
            .ProducesProblems(400, 404).RequireAuthorization(PliePolicies.Administration);
        reference.MapPost("/antennes", (SaveAntenneCommand command, ISender sender, CancellationToken ct) => sender.Send(command, ct))
            .WithName("SaveAntenne").WithSummary("Ajouter ou modifier une antenne et ses communes")
            .ProducesProblems(400).RequireAuthorization(PliePolicies.Administration);

        return app;
    }
}
