using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Domain.Intake;

namespace Plie.Application.Intake.FirstInterviews;

/// <summary>Records an entretien de 1er accueil and its written report (at most two before the decision).</summary>
public sealed record AddFirstInterviewCommand(Guid ParticipantId, DateOnly HeldOn, string Report) : ICommand<AddFirstInterviewResult>;

public sealed record AddFirstInterviewResult(Guid InterviewId, int Number);

public sealed class AddFirstInterviewValidator : AbstractValidator<AddFirstInterviewCommand>
{
    public AddFirstInterviewValidator()
    {
        RuleFor(c => c.ParticipantId).NotEmpty().WithMessage("Le participant est obligatoire.");
        RuleFor(c => c.Report).NotEmpty().WithMessage("Le compte rendu de l'entretien est obligatoire.").MaximumLength(10_000);
    }
}

public sealed class AddFirstInterviewHandler(IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<AddFirstInterviewCommand, AddFirstInterviewResult>
{
    public async ValueTask<AddFirstInterviewResult> Handle(AddFirstInterviewCommand command, CancellationToken ct)
    {
        if (!await db.Participants.VisibleTo(user).AnyAsync(p => p.Id == command.ParticipantId, ct))
            throw new NotFoundException("Ce dossier n'existe pas ou ne vous est pas accessible.");
        var count = await db.FirstInterviews.CountAsync(i => i.ParticipantId == command.ParticipantId, ct);
        if (count >= FirstInterview.MaxBeforeDecision)
            throw new ValidationException($"Au plus {FirstInterview.MaxBeforeDecision} entretiens de 1er accueil avant la décision.");
        if (command.HeldOn > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
            throw new ValidationException("La date de l'entretien ne peut pas être dans le futur.");
        var interview = new FirstInterview
        {
            Id = Guid.CreateVersion7(), ParticipantId = command.ParticipantId, Number = count + 1, HeldOn = command.HeldOn,
            Report = command.Report.Trim(), By = user.Id, At = clock.GetUtcNow(),
        };
        db.FirstInterviews.Add(interview);
        db.Record(user, command.ParticipantId, "intake.first-interview-recorded", new { interview.Number, interview.HeldOn }, clock);
        await db.SaveChangesAsync(ct);
        return new AddFirstInterviewResult(interview.Id, interview.Number);
    }
}
