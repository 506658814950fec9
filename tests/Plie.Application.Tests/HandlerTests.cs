using Moq;
using Plie.Application.Common;
using Plie.Application.Designer.Catalogue;
using Plie.Application.Users.ListUsers;
using Plie.Application.Workflow.MigrateInstance;
using Plie.Workflow;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Application.Tests;

/// <summary>Handlers whose collaborators are ports, tested with mocks (those over the DbContext run on PostgreSQL).</summary>
public sealed class HandlerTests
{
    private static ICurrentUser User(string id, params string[] roles)
    {
        var user = new Mock<ICurrentUser>();
        user.SetupGet(u => u.Id).Returns(id);
        user.SetupGet(u => u.Roles).Returns(roles);
        user.Setup(u => u.IsInRole(It.IsAny<string>())).Returns((string r) => roles.Contains(r));
        return user.Object;
    }

    [Fact]
    public async Task The_reassign_list_offers_only_the_people_of_the_task_groups()
    {
        var directory = new Mock<IUserDirectory>();
        directory.Setup(d => d.ListAsync(null, It.IsAny<CancellationToken>())).ReturnsAsync(
        [
            new DirectoryUser("conseiller.dunkerque", "Claire Conseil", [PlieRoles.Conseiller], "dunkerque-centre"),
            new DirectoryUser("statistiques", "Sam Stat", [PlieRoles.Statistiques], null),
            new DirectoryUser("responsable", "Rémi Resp", [PlieRoles.ResponsableAccompagnement, PlieRoles.Conseiller], null),
        ]);
        var handler = new ListUsersHandler(directory.Object);

        var conseillers = await handler.Handle(new ListUsersQuery([PlieRoles.Conseiller]), default);
        var everyone = await handler.Handle(new ListUsersQuery(), default);

        Assert.Equal(["conseiller.dunkerque", "responsable"], conseillers.Select(u => u.Id));
        Assert.Equal(3, everyone.Count);
    }

    [Theory]
    [InlineData(PlieRoles.Superviseur)]
    [InlineData(PlieRoles.GestionnaireProcedures)]
    public async Task Those_who_oversee_or_publish_the_procedures_may_migrate_a_whole_version_not_a_conseiller(string role)
    {
        var engine = new Mock<IWorkflowEngine>(MockBehavior.Strict);
        var db = new Mock<IPlieDbContext>(MockBehavior.Strict).Object;
        var conseiller = new MigrateInstancesHandler(engine.Object, db, User("conseiller.dunkerque", PlieRoles.Conseiller), TimeProvider.System);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            conseiller.Handle(new MigrateInstancesCommand("intake", 1, 2), default).AsTask());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            new CheckMigrationHandler(engine.Object, db, User("conseiller.dunkerque", PlieRoles.Conseiller))
                .Handle(new CheckMigrationQuery("intake", 1, 2), default).AsTask());
        engine.VerifyNoOtherCalls();

        var moved = new MigrationResult(Guid.NewGuid(), 1, 2, true);
        engine.Setup(e => e.MigrateInstancesAsync("intake", 1, 2, role, It.IsAny<Func<ProcessInstanceRecord, MigrationResult, Task>>(),
            It.IsAny<CancellationToken>())).ReturnsAsync([moved]);
        var allowed = new MigrateInstancesHandler(engine.Object, db, User(role, role), TimeProvider.System);

        var results = await allowed.Handle(new MigrateInstancesCommand("intake", 1, 2), default);

        Assert.Equal([moved], results);
    }

    [Fact]
    public async Task The_designer_catalogue_describes_each_treatment_role_and_form_in_french()
    {
        var topics = new Mock<ITopicCatalog>();
        topics.SetupGet(t => t.Topics).Returns(
        [
            new TopicDescriptor("intake.refuse", "Refus de l'entrée", [new TopicVariable("reason", "String", true)], []),
            new TopicDescriptor("intake.check-eligibility", "Contrôle de l'éligibilité", [new TopicVariable("participantId", "Guid", true)],
                [new TopicVariable("eligible", "Boolean", false)]),
        ]);
        var forms = new Mock<IFormCatalog>();
        forms.SetupGet(f => f.Forms).Returns([new FormDescriptor("intake:validation", "Validation du Responsable")]);

        var catalogue = await new GetDesignerCatalogueHandler(topics.Object, forms.Object).Handle(new GetDesignerCatalogueQuery(), default);

        Assert.Equal(["intake.check-eligibility", "intake.refuse"], catalogue.Topics.Select(t => t.Name));
        Assert.Equal(["participantId (Guid, obligatoire)"], catalogue.Topics[0].Inputs);
        Assert.Equal(["eligible (Boolean)"], catalogue.Topics[0].Outputs);
        Assert.Contains(catalogue.Groups, g => g.Id == PlieRoles.Statistiques && g.Label == PlieRoles.Label(PlieRoles.Statistiques));
        Assert.Equal(PlieRoles.All.Count, catalogue.Groups.Count);
        Assert.Equal("Validation du Responsable", Assert.Single(catalogue.FormKeys).Label);
    }
}
