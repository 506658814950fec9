using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow;

namespace Plie.Application.Intake.FirstInterviews;

/// <summary>Ends the first-reception step: at least one interview with its report is required.</summary>
public sealed record CompleteFirstInterviewsCommand(Guid TaskId) : ICommand;

public sealed class CompleteFirstInterviewsValidator : AbstractValidator<CompleteFirstInterviewsCommand>
{
    public CompleteFirstInterviewsValidator() => RuleFor(c => c.TaskId).NotEmpty().WithMessage("La tâche est obligatoire.");
}

public sealed class CompleteFirstInterviewsHandler(IPlieDbContext db, IWorkflowEngine engine, ICurrentUser user)
    : ICommandHandler<CompleteFirstInterviewsCommand>
{
    public const string FormKey = "intake:first-interview";

    public async ValueTask<Unit> Handle(CompleteFirstInterviewsCommand command, CancellationToken ct)
    {
        var task = await db.OpenTaskForAsync(command.TaskId, user, FormKey, ct);
        var participantId = TaskGuard.ParticipantIdOf(task);
        var count = await db.FirstInterviews.CountAsync(i => i.ParticipantId == participantId, ct);
        if (count == 0) throw new ValidationException("Enregistrez au moins un entretien de 1er accueil avec son compte rendu.");
        await engine.CompleteTaskAsync(task.Id, new Dictionary<string, object?> { ["firstInterviews"] = count }, user.Id, ct);
        return Unit.Value;
    }
}
