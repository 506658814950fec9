using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Workflow;
using Plie.Workflow.Runtime;

namespace Plie.Application.Workflow.MigrateInstance;

/// <summary>
/// Moves a running case to another version of its procedure, where the elements it stands at still exist (else refused,
/// naming them: 409). For those who oversee the procedures; recorded in the history and the participant's audit trail.
/// </summary>
public sealed record MigrateInstanceCommand(Guid InstanceId, int TargetVersion) : ICommand<MigrationResult>;

public sealed class MigrateInstanceValidator : AbstractValidator<MigrateInstanceCommand>
{
    public MigrateInstanceValidator()
    {
        RuleFor(c => c.InstanceId).NotEmpty().WithMessage("L'identifiant de l'instance est obligatoire.");
        RuleFor(c => c.TargetVersion).GreaterThan(0).WithMessage("Choisissez la version vers laquelle migrer.");
    }
}

public sealed class MigrateInstanceHandler(IWorkflowEngine engine, IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<MigrateInstanceCommand, MigrationResult>
{
    public async ValueTask<MigrationResult> Handle(MigrateInstanceCommand command, CancellationToken ct)
    {
        InstanceAccess.EnsureMayAct(user);
        var instance = await db.ProcessInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == command.InstanceId, ct)
                       ?? throw new NotFoundException($"L'instance {command.InstanceId} n'existe pas.");
        if (instance.State != InstanceState.Running)
            throw new WorkflowConflictException("Cette procédure est terminée : elle ne peut plus changer de version.");
        var target = await db.ProcessDefinitions.AsNoTracking()
                         .Where(d => d.Key == instance.DefinitionKey && d.Version == command.TargetVersion)
                         .Select(d => (Guid?)d.Id).FirstOrDefaultAsync(ct)
                     ?? throw new NotFoundException($"La procédure « {instance.DefinitionKey} » n'a pas de version {command.TargetVersion}.");
        await InstanceAccess.AuditAsync(db, user, instance.BusinessKey, "workflow.instance-migrated",
            new { command.InstanceId, instance.DefinitionKey, FromVersion = instance.DefinitionVersion, ToVersion = command.TargetVersion },
            clock, ct);
        return await engine.MigrateInstanceAsync(command.InstanceId, target, user.Id, ct);
    }
}

/// <summary>
/// Moves every running case of one version of a procedure to another; one result per case (migrated, or why not). For
/// those who oversee the procedures and for the gestionnaire des procédures, who publishes the versions. Each case moved
/// is audited on its participant's file, in the same transaction as its move.
/// </summary>
public sealed record MigrateInstancesCommand(string ProcessKey, int FromVersion, int ToVersion) : ICommand<IReadOnlyList<MigrationResult>>, IVersionMigration;

public sealed class MigrateInstancesValidator : AbstractValidator<MigrateInstancesCommand>
{
    public MigrateInstancesValidator() => Include(new VersionMigrationValidator());
}

public sealed class MigrateInstancesHandler(IWorkflowEngine engine, IPlieDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<MigrateInstancesCommand, IReadOnlyList<MigrationResult>>
{
    public async ValueTask<IReadOnlyList<MigrationResult>> Handle(MigrateInstancesCommand command, CancellationToken ct)
    {
        InstanceAccess.EnsureMayMigrateVersion(user);
        return await engine.MigrateInstancesAsync(command.ProcessKey, command.FromVersion, command.ToVersion, user.Id,
            (instance, result) => InstanceAccess.AuditAsync(db, user, instance.BusinessKey, "workflow.instance-migrated",
                new { result.InstanceId, instance.DefinitionKey, result.FromVersion, result.ToVersion }, clock, ct), ct);
    }
}

/// <summary>
/// What migrating a whole version would do, changing nothing: how many running cases can move and, for the others, why
/// not (the elements the target lacks). Each case is named by its participant when the user may see the file.
/// </summary>
public sealed record CheckMigrationQuery(string ProcessKey, int FromVersion, int ToVersion) : IQuery<MigrationPlan>, IVersionMigration;

public sealed record MigrationPlan(string ProcessKey, int FromVersion, int ToVersion, IReadOnlyList<MigrationCase> Cases)
{
    public int Movable => Cases.Count(c => c.CanMigrate);
}

/// <param name="ParticipantName">The participant's name, when the case is about a participant the user may see.</param>
/// <param name="Refusal">Why the case cannot move (null when it can).</param>
public sealed record MigrationCase(Guid InstanceId, Guid? ParticipantId, string? ParticipantName, string? Refusal)
{
    public bool CanMigrate => Refusal is null;
}

public sealed class CheckMigrationValidator : AbstractValidator<CheckMigrationQuery>
{
    public CheckMigrationValidator() => Include(new VersionMigrationValidator());
}

public sealed class CheckMigrationHandler(IWorkflowEngine engine, IPlieDbContext db, ICurrentUser user)
    : IQueryHandler<CheckMigrationQuery, MigrationPlan>
{
    public async ValueTask<MigrationPlan> Handle(CheckMigrationQuery query, CancellationToken ct)
    {
        InstanceAccess.EnsureMayMigrateVersion(user);
        var checks = await engine.CheckMigrationAsync(query.ProcessKey, query.FromVersion, query.ToVersion, ct);
        var ids = checks.Select(c => c.InstanceId).ToList();
        var keys = await db.ProcessInstances.AsNoTracking().Where(i => ids.Contains(i.Id))
            .Select(i => new { i.Id, i.BusinessKey }).ToDictionaryAsync(i => i.Id, i => i.BusinessKey, ct);
        var participantIds = keys.Values.Select(k => Guid.TryParse(k, out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty).Distinct().ToList();
        var names = await db.Participants.AsNoTracking().VisibleTo(user).Where(p => participantIds.Contains(p.Id))
            .Select(p => new { p.Id, p.FirstName, p.LastName }).ToDictionaryAsync(p => p.Id, ct);
        var cases = checks.Select(c =>
        {
            var participant = Guid.TryParse(keys.GetValueOrDefault(c.InstanceId), out var pid) && names.TryGetValue(pid, out var p) ? p : null;
            return new MigrationCase(c.InstanceId, participant?.Id,
                participant is null ? null : $"{participant.FirstName} {participant.LastName.ToUpperInvariant()}", c.Refusal);
        }).ToList();
        return new MigrationPlan(query.ProcessKey, query.FromVersion, query.ToVersion, cases);
    }
}

/// <summary>A whole-version migration (or its check): which process, from which version to which.</summary>
public interface IVersionMigration
{
    string ProcessKey { get; }
    int FromVersion { get; }
    int ToVersion { get; }
}

/// <summary>The input rules shared by the whole-version migration and its check.</summary>
public sealed class VersionMigrationValidator : AbstractValidator<IVersionMigration>
{
    public VersionMigrationValidator()
    {
        RuleFor(c => c.ProcessKey).NotEmpty().WithMessage("La clé du processus est obligatoire.");
        RuleFor(c => c.FromVersion).GreaterThan(0).WithMessage("La version de départ est obligatoire.");
        RuleFor(c => c.ToVersion).GreaterThan(0).WithMessage("La version cible est obligatoire.")
            .NotEqual(c => c.FromVersion).WithMessage("La version cible doit être différente de la version de départ.");
    }
}
