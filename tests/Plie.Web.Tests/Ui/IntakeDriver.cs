using Plie.Application.Intake.StartIntake;
using Plie.Application.Workflow.QueryTasks;
using Plie.Domain.Participants;

namespace Plie.Web.Tests.Ui;

/// <summary>Drives the intake procedure through the use cases, as the screens do.</summary>
public static class IntakeDriver
{
    public static Task<StartIntakeResult> OrientAsync(this UiTestBaseAccess test, TestPrincipal? user, string firstName, string lastName,
        string? antenne, string commune = "59183", DateOnly? birthDate = null) =>
        test.Send(user, s => s.Send(new StartIntakeCommand(firstName, lastName, birthDate ?? new DateOnly(1980, 4, 12), commune,
            "1 place Charles Valentin", "0328000000", null, antenne, null,
            Fse: new FseEntryData { EmploymentStatus = "chomeur", EducationLevel = "isced-3-4", DeclinedSensitiveItems = true })));

    public static async Task<Guid> TaskAsync(this UiTestBaseAccess test, Guid participantId, string elementId)
    {
        var page = await test.Send(null, s => s.Send(new QueryTasksQuery(BusinessKey: participantId.ToString(), ElementId: elementId)));
        return Assert.Single(page.Items).Id;
    }
}

/// <summary>What <see cref="IntakeDriver"/> needs of a test.</summary>
public interface UiTestBaseAccess
{
    Task<T> Send<T>(TestPrincipal? user, Func<Mediator.ISender, ValueTask<T>> send);
}
