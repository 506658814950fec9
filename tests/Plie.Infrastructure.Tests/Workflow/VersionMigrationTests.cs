using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Plie.Application.Common;
using Plie.Application.Workflow.MigrateInstance;
using Plie.Domain.Participants;
using Plie.Testing;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Tests.Workflow;

/// <summary>Migrating every running case of a version through the use cases, on PostgreSQL: the check, the move, the audit.</summary>
public sealed class VersionMigrationTests : IAsyncLifetime
{
    private readonly TestUser _user = new();
    private EngineHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await EngineHost.StartAsync(configure: s => s.AddScoped<ICurrentUser>(_ => _user));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Engine", "Fixtures", name + ".bpmn"));

    private async Task<T> Send<T>(IMessage message)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return (T)(await scope.ServiceProvider.GetRequiredService<ISender>().Send(message))!;
    }

    private async Task<Guid> ParticipantAsync(string firstName, string lastName) =>
        await _host.Db(async db =>
        {
            var participant = new Participant
            {
                Id = Guid.CreateVersion7(), FirstName = firstName, LastName = lastName, BirthDate = new DateOnly(1985, 1, 2),
                CommuneInseeCode = "59183", Antenne = "dunkerque-centre", CreatedAt = _host.Clock.GetUtcNow(),
            };
            db.Participants.Add(participant);
            await db.SaveChangesAsync();
            return participant.Id;
        });

    private Task<List<string>> AuditAsync(Guid participantId) =>
        _host.Db(db => db.AuditEntries.AsNoTracking().Where(a => a.ParticipantId == participantId)
            .Select(a => a.Action + " by " + a.UserId).ToListAsync());

    /// <summary>Version 2 (migrate-v2-roles) offers « review » to the case's référent too.</summary>
    private static readonly object Referent = new { referent = "conseiller.dunkerque" };

    [Fact]
    public async Task A_manager_checks_then_migrates_a_version_and_each_case_moved_is_audited_on_its_participants_file()
    {
        await _host.DeployAsync(Fixture("migrate-v1"));
        var karima = await ParticipantAsync("Karima", "Benali");
        var bob = await ParticipantAsync("Bob", "Martin");
        var movable = (await _host.StartAsync("migrate", Referent, karima.ToString())).Id;
        var stuck = (await _host.StartAsync("migrate", Referent, bob.ToString())).Id;
        await _host.CompleteAsync((await _host.SingleTaskAsync(stuck, "review")).Id); // now at « second », gone in v2
        var anonymous = (await _host.StartAsync("migrate", Referent, "no-participant")).Id;
        await _host.DeployAsync(Fixture("migrate-v2-roles"));

        // The manager sees no participant file: the cases are named by id only. The administrateur sees the names.
        _user.As("gestionnaire", null, PlieRoles.GestionnaireProcedures);
        var plan = await Send<MigrationPlan>(new CheckMigrationQuery("migrate", 1, 2));
        Assert.Equal(2, plan.Movable);
        var refused = Assert.Single(plan.Cases, c => !c.CanMigrate);
        Assert.Equal((stuck, null), (refused.InstanceId, refused.ParticipantName));
        Assert.Contains("« Deuxième » (second) n'existe pas dans la version 2", refused.Refusal);
        _user.As("admin", null, PlieRoles.Administrateur);
        var named = await Send<MigrationPlan>(new CheckMigrationQuery("migrate", 1, 2));
        Assert.Equal(("Bob MARTIN", bob), (named.Cases.Single(c => !c.CanMigrate).ParticipantName, named.Cases.Single(c => !c.CanMigrate).ParticipantId));
        Assert.Equal("Karima BENALI", named.Cases.Single(c => c.InstanceId == movable).ParticipantName);
        // Checking changed nothing.
        Assert.Equal(1, (await _host.InstanceAsync(movable)).DefinitionVersion);
        Assert.Empty(await AuditAsync(karima));

        _user.As("gestionnaire", null, PlieRoles.GestionnaireProcedures);
        var results = await Send<IReadOnlyList<Plie.Workflow.MigrationResult>>(new MigrateInstancesCommand("migrate", 1, 2));

        Assert.Equal(new[] { anonymous, movable }.Order(), results.Where(r => r.Migrated).Select(r => r.InstanceId).Order());
        Assert.Contains("second", results.Single(r => r.InstanceId == stuck).Refusal);
        Assert.Equal(["workflow.instance-migrated by gestionnaire"], await AuditAsync(karima));
        Assert.Empty(await AuditAsync(bob));
        Assert.Equal(2, (await _host.InstanceAsync(movable)).DefinitionVersion);
        Assert.Equal("gestionnaire", (await _host.HistoryAsync(movable)).Single(h => h.Type == HistoryTypes.InstanceMigrated).UserId);
        Assert.Equal(["responsable-accompagnement", "superviseur"], (await _host.SingleTaskAsync(movable, "review")).CandidateGroups);
    }

    [Fact]
    public async Task A_conseiller_may_neither_check_nor_migrate_a_version()
    {
        await _host.DeployAsync(Fixture("migrate-v1"));
        await _host.StartAsync("migrate");
        await _host.DeployAsync(Fixture("migrate-v2"));
        _user.As("conseiller.dunkerque", "dunkerque-centre", PlieRoles.Conseiller);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Send<MigrationPlan>(new CheckMigrationQuery("migrate", 1, 2)));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            Send<IReadOnlyList<Plie.Workflow.MigrationResult>>(new MigrateInstancesCommand("migrate", 1, 2)));
        Assert.Equal(0, await _host.Db(db => db.ProcessInstances.CountAsync(i => i.DefinitionVersion == 2)));
    }
}
