using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Plie.Application.Common;
using Plie.Application.Intake.StartIntake;
using Plie.Application.ReferenceData;
using Plie.Application.Users.ListUsers;
using Plie.Domain.ReferenceData;
using Plie.Infrastructure.Hosting;
using Plie.Infrastructure.Identity;
using Plie.Testing;

namespace Plie.Infrastructure.Tests.ReferenceData;

/// <summary>Reference data with validity dates, edited by an administrateur, on PostgreSQL.</summary>
public sealed class ReferenceDataTests : IAsyncLifetime
{
    private readonly TestUser _user = new();
    private EngineHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await EngineHost.StartAsync(configure: s => s.AddScoped<ICurrentUser>(_ => _user).AddPlieAuthStore());
        _host.Clock.Set(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await PlieInitializer.InitializeAsync(_host.Services, EngineHost.WorkflowsFolder());
        _user.As("admin", null, PlieRoles.Administrateur);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<T> Send<T>(IMessage message)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return (T)(await scope.ServiceProvider.GetRequiredService<ISender>().Send(message))!;
    }

    [Fact]
    public async Task The_seventeen_communes_are_seeded_with_membership_periods_and_today_s_members()
    {
        var data = await Send<ReferenceDataView>(new GetReferenceDataQuery());
        Assert.Equal(17, data.Communes.Count);
        Assert.Contains(data.Communes, c => c.InseeCode == "59183" && c.Districts.Contains("Malo-les-Bains"));
        Assert.Equal(15, data.Communes.Count(c => c.MemberToday)); // 2026: 15 of 17
        Assert.Contains(data.Items, i => i.Kind == ReferenceKinds.DocumentType && i.Code == "justificatif-domicile");
        Assert.Equal(3, data.Antennes.Count);
    }

    [Fact]
    public async Task An_administrateur_adds_a_membership_period_and_overlaps_are_refused()
    {
        var id = await Send<int>(new SaveMembershipCommand("59159", null, new DateOnly(2026, 1, 1), null)); // Craywick joins
        Assert.True(id > 0);
        var data = await Send<ReferenceDataView>(new GetReferenceDataQuery());
        Assert.True(data.Communes.Single(c => c.InseeCode == "59159").MemberToday);

        var overlap = await Assert.ThrowsAsync<FluentValidation.ValidationException>(() =>
            Send<int>(new SaveMembershipCommand("59159", null, new DateOnly(2026, 6, 1), null)));
        Assert.Contains("chevauche", overlap.Message);
        var backwards = await Assert.ThrowsAsync<FluentValidation.ValidationException>(() =>
            Send<int>(new SaveMembershipCommand("59159", id, new DateOnly(2026, 6, 1), new DateOnly(2026, 1, 1))));
        Assert.Contains("précède", backwards.Message);
    }

    [Fact]
    public async Task Reference_items_and_antennes_are_edited_with_validity_dates_and_only_by_an_administrateur()
    {
        await Send<int>(new SaveReferenceItemCommand(null, ReferenceKinds.DocumentType, "attestation-qpv", "Attestation de résidence en QPV",
            new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), ["qpv"]));
        await Send<string>(new SaveAntenneCommand("bourbourg", "Bourbourg", ["59094", "59159"], new DateOnly(2026, 1, 1), null));
        var data = await Send<ReferenceDataView>(new GetReferenceDataQuery());
        var item = data.Items.Single(i => i.Code == "attestation-qpv");
        Assert.Equal(["qpv"], item.RequiredFor);
        Assert.True(item.ValidToday);
        Assert.Contains(data.Antennes, a => a.Code == "bourbourg" && a.CommuneInseeCodes.Contains("59159"));

        await Assert.ThrowsAsync<FluentValidation.ValidationException>(() =>
            Send<int>(new SaveReferenceItemCommand(null, ReferenceKinds.DocumentType, "attestation-qpv", "Doublon", new DateOnly(2026, 1, 1), null, null)));
        await Assert.ThrowsAsync<FluentValidation.ValidationException>(() =>
            Send<string>(new SaveAntenneCommand("x", "X", ["99999"], new DateOnly(2026, 1, 1), null)));
        _user.As("conseiller.dunkerque", "dunkerque-centre", PlieRoles.Conseiller);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            Send<int>(new SaveMembershipCommand("59183", null, new DateOnly(2030, 1, 1), null)));
    }

    [Fact]
    public async Task Renaming_an_antenne_moves_its_files_and_accounts_so_its_counsellors_keep_their_files()
    {
        await AuthStore.InitializeAsync(_host.Services, seedDemoAccounts: true);
        _user.As("conseiller.dunkerque", "Dunkerque-Centre", PlieRoles.Conseiller);
        var started = await Send<StartIntakeResult>(new StartIntakeCommand("Karima", "Benali", new DateOnly(1980, 5, 17), "59183", null,
            "0600000000", null, null, null));
        _user.As("admin", null, PlieRoles.Administrateur);

        var taken = await Assert.ThrowsAsync<FluentValidation.ValidationException>(() =>
            Send<string>(new SaveAntenneCommand("dunkerque-centre", "Grande-Synthe", ["59183"], new DateOnly(2026, 1, 1), null)));
        Assert.Contains("s'appelle déjà", taken.Message);
        await Send<string>(new SaveAntenneCommand("dunkerque-centre", "Dunkerque Centre-Malo", ["59183", "59155"], new DateOnly(2026, 1, 1), null));

        var file = await _host.Db(db => db.Participants.AsNoTracking().SingleAsync(p => p.Id == started.ParticipantId));
        Assert.Equal("Dunkerque Centre-Malo", file.Antenne);
        var audit = await _host.Db(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.ParticipantId == started.ParticipantId && e.Action == "participant.antenne-renamed").ToListAsync());
        Assert.Equal("admin", Assert.Single(audit).UserId);
        var directory = await Send<IReadOnlyList<DirectoryUser>>(new ListUsersQuery([PlieRoles.Conseiller]));
        Assert.Equal("Dunkerque Centre-Malo", directory.Single(u => u.Id == "conseiller.dunkerque").Antenne);
        Assert.Equal("Grande-Synthe", directory.Single(u => u.Id == "conseiller.grande-synthe").Antenne);

        // The counsellor signs in again with the new antenne on the account: the file is his, as before.
        _user.As("conseiller.dunkerque", "Dunkerque Centre-Malo", PlieRoles.Conseiller);
        Assert.True(await _host.Db(db => db.Participants.VisibleTo(_user).AnyAsync(p => p.Id == started.ParticipantId)));
    }
}
