using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Plie.Application.Common;
using Plie.Application.ReferenceData;
using Plie.Domain.ReferenceData;
using Plie.Infrastructure.Hosting;
using Plie.Testing;

namespace Plie.Infrastructure.Tests.ReferenceData;

/// <summary>Reference data with validity dates, edited by an administrateur, on PostgreSQL.</summary>
public sealed class ReferenceDataTests : IAsyncLifetime
{
    private readonly TestUser _user = new();
    private EngineHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await EngineHost.StartAsync(configure: s => s.AddScoped<ICurrentUser>(_ => _user));
        _host.Clock.Set(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await PlieInitializer.InitializeAsync(_host.Services, null);
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
}
