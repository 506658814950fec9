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

/// <summary>Moves every running case of one version of a procedure to another; one result per case (migrated, or why not).</summary>
public sealed record MigrateInstancesCommand(string ProcessKey, int FromVersion, int ToVersion) : ICommand<IReadOnlyList<MigrationResult>>;

public sealed class MigrateInstancesValidator : AbstractValidator<MigrateInstancesCommand>
{
    public MigrateInstancesValidator()
    {
        RuleFor(c => c.ProcessKey).NotEmpty().WithMessage("La clé du processus est obligatoire.");
        RuleFor(c => c.FromVersion).GreaterThan(0).WithMessage("La version de départ est obligatoire.");
        RuleFor(c => c.ToVersion).GreaterThan(0).WithMessage("La version cible est obligatoire.")
            .NotEqual(c => c.FromVersion).WithMessage("La version cible doit être différente de la version de départ.");
    }
}

public sealed class MigrateInstancesHandler(IWorkflowEngine engine, ICurrentUser user)
    : ICommandHandler<MigrateInstancesCommand, IReadOnlyList<MigrationResult>>
{
    public async ValueTask<IReadOnlyList<MigrationResult>> Handle(MigrateInstancesCommand command, CancellationToken ct)
    {
        InstanceAccess.EnsureMayAct(user);
        return await engine.MigrateInstancesAsync(command.ProcessKey, command.FromVersion, command.ToVersion, user.Id, ct);
    }
}
