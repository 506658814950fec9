using FluentValidation;
using Mediator;
using Plie.Application.Common;
using Plie.Domain.Intake;
using Plie.Workflow;

namespace Plie.Application.Intake.CounsellorOpinion;

/// <summary>The conseiller's opinion on the entry, with its reasons, sent to the Responsable du Département Accompagnement.</summary>
public sealed record SubmitCounsellorOpinionCommand(Guid TaskId, string Opinion, string Reasons) : ICommand;

public sealed class SubmitCounsellorOpinionValidator : AbstractValidator<SubmitCounsellorOpinionCommand>
{
    public SubmitCounsellorOpinionValidator()
    {
        RuleFor(c => c.TaskId).NotEmpty().WithMessage("La tâche est obligatoire.");
        RuleFor(c => c.Opinion).Must(o => o is "favorable" or "defavorable").WithMessage("L'avis est favorable ou défavorable.");
        RuleFor(c => c.Reasons).NotEmpty().WithMessage("Motivez votre avis.").MaximumLength(5000);
    }
}

public sealed class SubmitCounsellorOpinionHandler(IPlieDbContext db, IWorkflowEngine engine, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<SubmitCounsellorOpinionCommand>
{
    public const string FormKey = "intake:counsellor-opinion";

    public async ValueTask<Unit> Handle(SubmitCounsellorOpinionCommand command, CancellationToken ct)
    {
        var task = await db.OpenTaskForAsync(command.TaskId, user, FormKey, ct);
        var participantId = TaskGuard.ParticipantIdOf(task);
        db.IntakeDecisions.Add(new IntakeDecision
        {
            Id = Guid.CreateVersion7(), ParticipantId = participantId, Step = IntakeSteps.CounsellorOpinion,
            Outcome = command.Opinion, Reason = command.Reasons.Trim(), By = user.Id, At = clock.GetUtcNow(),
        });
        db.Record(user, participantId, "intake.opinion-given", new { command.Opinion }, clock);
        // The engine commits the decision with the step.
        await engine.CompleteTaskAsync(task.Id, new Dictionary<string, object?> { ["opinion"] = command.Opinion }, user.Id, ct);
        return Unit.Value;
    }
}
