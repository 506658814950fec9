using FluentValidation;
using Mediator;
using Plie.Application.Common;
using Plie.Domain.Intake;
using Plie.Workflow;

namespace Plie.Application.Intake.Validation;

/// <summary>The Responsable du Département Accompagnement validates the entry, refuses it (with a reason), or asks the
/// conseiller for more information.</summary>
public sealed record SubmitValidationCommand(Guid TaskId, string Decision, string? Comment) : ICommand;

public sealed class SubmitValidationValidator : AbstractValidator<SubmitValidationCommand>
{
    public SubmitValidationValidator()
    {
        RuleFor(c => c.TaskId).NotEmpty().WithMessage("La tâche est obligatoire.");
        RuleFor(c => c.Decision).Must(d => d is "validate" or "refuse" or "more-info")
            .WithMessage("La décision est : valider, refuser ou demander des compléments.");
        RuleFor(c => c.Comment).NotEmpty().When(c => c.Decision is "refuse" or "more-info")
            .WithMessage("Précisez le motif du refus ou les compléments attendus.");
    }
}

public sealed class SubmitValidationHandler(IPlieDbContext db, IWorkflowEngine engine, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<SubmitValidationCommand>
{
    public const string FormKey = "intake:validation";

    public async ValueTask<Unit> Handle(SubmitValidationCommand command, CancellationToken ct)
    {
        var task = await db.OpenTaskForAsync(command.TaskId, user, FormKey, ct);
        var participantId = TaskGuard.ParticipantIdOf(task);
        db.IntakeDecisions.Add(new IntakeDecision
        {
            Id = Guid.CreateVersion7(), ParticipantId = participantId, Step = IntakeSteps.Validation,
            Outcome = command.Decision, Reason = command.Comment?.Trim(), By = user.Id, At = clock.GetUtcNow(),
        });
        db.Record(user, participantId, "intake.validation-decided", new { command.Decision, command.Comment }, clock);
        var variables = new Dictionary<string, object?> { ["validationDecision"] = command.Decision, ["validationComment"] = command.Comment };
        if (command.Decision == "refuse") variables["refusalReason"] = command.Comment;
        await engine.CompleteTaskAsync(task.Id, variables, user.Id, ct);
        return Unit.Value;
    }
}
