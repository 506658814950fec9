using FluentValidation;
using Mediator;
using Plie.Application.Common;
using Plie.Domain.Participants;
using Plie.Workflow;

namespace Plie.Application.Intake.StartIntake;

/// <summary>A conseiller orients a person to the PLIE: the file is created and the intake procedure starts.</summary>
public sealed record StartIntakeCommand(
    string FirstName,
    string LastName,
    DateOnly BirthDate,
    string CommuneInseeCode,
    string? Address,
    string? Phone,
    string? Email,
    string? Antenne,
    DateOnly? PlannedEntryDate,
    string? Situation = null,
    string? PrescriberType = null,
    string? PrescriberName = null,
    string? Availability = null,
    bool AvailableForAccompaniment = true,
    IReadOnlyList<string>? PriorityPublics = null,
    FseEntryData? Fse = null) : ICommand<StartIntakeResult>;

/// <summary>Settings of the intake procedure (configuration section Plie:Intake).</summary>
public sealed class IntakeSettings
{
    /// <summary>ISO-8601 duration after which missing documents are escalated to the Responsable (default: 7 days).</summary>
    public string DocumentsReminderDelay { get; set; } = "P7D";

    /// <summary>ISO-8601 duration: when the first interviews are due after the orientation (default: 15 days).</summary>
    public string FirstInterviewDelay { get; set; } = "P15D";

    // SLA escalations (workflows/intake.bpmn, non-interrupting timers; see docs/bpmn-subset.md): after how long a step
    // still open creates a « Relance » task for the responsable / superviseur.

    /// <summary>First interviews still not done: to the Responsable Accompagnement (default: 20 days).</summary>
    public string FirstInterviewEscalationDelay { get; set; } = "P20D";

    /// <summary>Validation still waiting: to the superviseur (default: 7 days).</summary>
    public string ValidationEscalationDelay { get; set; } = "P7D";

    /// <summary>Documents review still waiting: to the Responsable Accompagnement (default: 7 days).</summary>
    public string DocumentsReviewEscalationDelay { get; set; } = "P7D";
}

public sealed record StartIntakeResult(Guid ParticipantId, Guid ProcessInstanceId);

public sealed class StartIntakeValidator : AbstractValidator<StartIntakeCommand>
{
    public StartIntakeValidator(TimeProvider clock)
    {
        RuleFor(c => c.FirstName).NotEmpty().WithMessage("Le prénom est obligatoire.").MaximumLength(100);
        RuleFor(c => c.LastName).NotEmpty().WithMessage("Le nom est obligatoire.").MaximumLength(100);
        RuleFor(c => c.BirthDate)
            .Must(d => d < DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime) && d.Year > 1900)
            .WithMessage("La date de naissance n'est pas plausible.");
        RuleFor(c => c.CommuneInseeCode).NotEmpty().WithMessage("La commune est obligatoire.")
            .Matches("^[0-9]{5}$").WithMessage("Le code INSEE de la commune a 5 chiffres.");
        RuleFor(c => c.Email).EmailAddress().When(c => !string.IsNullOrEmpty(c.Email))
            .WithMessage("L'adresse e-mail n'est pas valide.");
        RuleFor(c => c.Fse!.EmploymentStatus).Must(s => s is null || FseEntryData.EmploymentStatuses.Contains(s))
            .When(c => c.Fse is not null).WithMessage("Situation vis-à-vis de l'emploi inconnue.");
        RuleFor(c => c.Fse!.EducationLevel).Must(s => s is null || FseEntryData.EducationLevels.Contains(s))
            .When(c => c.Fse is not null).WithMessage("Niveau de formation inconnu (isced-0-2, isced-3-4, isced-5-8).");
    }
}

public sealed class StartIntakeHandler(IPlieDbContext db, IWorkflowEngine engine, ICurrentUser user, TimeProvider clock,
    IntakeSettings settings) : ICommandHandler<StartIntakeCommand, StartIntakeResult>
{
    public const string ProcessKey = "intake";

    public async ValueTask<StartIntakeResult> Handle(StartIntakeCommand command, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var participant = new Participant
        {
            Id = Guid.CreateVersion7(),
            FirstName = command.FirstName.Trim(),
            LastName = command.LastName.Trim(),
            BirthDate = command.BirthDate,
            CommuneInseeCode = command.CommuneInseeCode,
            Address = command.Address,
            Phone = command.Phone,
            Email = command.Email,
            Antenne = command.Antenne ?? user.Antenne,
            Situation = command.Situation,
            PrescriberType = command.PrescriberType,
            PrescriberName = command.PrescriberName,
            Availability = command.Availability,
            AvailableForAccompaniment = command.AvailableForAccompaniment,
            PriorityPublics = command.PriorityPublics?.ToArray() ?? [],
            Fse = command.Fse ?? new FseEntryData(),
            Status = ParticipantStatus.InIntake,
            EntryDate = command.PlannedEntryDate ?? today,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = user.Id,
        };
        db.Participants.Add(participant);
        db.Record(user, participant.Id, "participant.created", new { participant.FirstName, participant.LastName, participant.CommuneInseeCode }, clock);
        // The engine saves the tracked participant with the new instance, in one transaction.
        var instance = await engine.StartAsync(ProcessKey, participant.Id.ToString(), new Dictionary<string, object?>
        {
            ["participantId"] = participant.Id,
            ["antenne"] = participant.Antenne,
            ["entryDate"] = participant.EntryDate?.ToString("yyyy-MM-dd"),
            ["conseiller"] = user.Id,
            ["documentsReminderDelay"] = settings.DocumentsReminderDelay,
            ["firstInterviewDelay"] = settings.FirstInterviewDelay,
            ["firstInterviewEscalationDelay"] = settings.FirstInterviewEscalationDelay,
            ["validationEscalationDelay"] = settings.ValidationEscalationDelay,
            ["documentsReviewEscalationDelay"] = settings.DocumentsReviewEscalationDelay,
        }, user.Id, ct);
        return new StartIntakeResult(participant.Id, instance.Id);
    }
}
