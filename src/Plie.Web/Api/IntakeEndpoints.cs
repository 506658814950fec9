using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Plie.Application.Intake.StartIntake;

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

        return app;
    }
}
