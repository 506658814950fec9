using static Microsoft.Playwright.Assertions;
using static Plie.EndToEnd.Tests.IntakeDriver;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// The automatic eligibility check, after the Responsable's validation: under 26 on the entry date, or living in a
/// commune that does not adhere to the PLIE, the entry is refused and the conseiller reads why on the file.
/// </summary>
public sealed class EligibilityRefusalTests(PlieApp app) : IClassFixture<PlieApp>
{
    [Fact]
    public async Task A_person_aged_25_on_the_entry_date_is_refused_with_the_reason_on_the_file()
    {
        // 25 today, 26 in five days: the entry date (today) decides.
        var person = new Person("Théo", "Delannoy", Born(26, days: 5));
        await RefusalAfterValidationAsync(person, "A 25 ans à la date d'entrée", "le PLIE accompagne les personnes de 26 ans et plus");
    }

    [Fact]
    public async Task A_resident_of_a_commune_that_does_not_adhere_is_refused_with_the_reason_on_the_file()
    {
        var person = new Person("Margaux", "Dewaele", new DateOnly(1985, 3, 12), "Craywick");
        await RefusalAfterValidationAsync(person, "Craywick n'adhère pas au PLIE à la date d'entrée");
    }

    /// <summary>Orientation, interview, opinion, validation; then the file shows the refusal and its reason.</summary>
    private async Task RefusalAfterValidationAsync(Person person, params string[] reason)
    {
        var conseiller = await app.SignInAsync("conseiller.dunkerque");
        await CreateOrientationAsync(conseiller, person);
        await InterviewAndOpinionAsync(conseiller, person);
        var responsable = await app.SignInAsync("responsable");
        await ValidateAsync(responsable, person);

        await WaitForStatusAsync(conseiller, person, "Entrée refusée");
        var refusal = conseiller.GetByTestId("file-refusal-reason");
        await Expect(refusal).ToBeVisibleAsync();
        await Expect(refusal).ToContainTextAsync("Entrée refusée");
        await Expect(conseiller.GetByTestId("file-open-tasks")).ToContainTextAsync("Aucune tâche en cours.");
        await Expect(conseiller.GetByTestId("file-decisions")).ToContainTextAsync("Entrée validée par le Responsable");
        foreach (var words in reason) await Expect(refusal).ToContainTextAsync(words);

        await conseiller.Context.CloseAsync();
        await responsable.Context.CloseAsync();
    }
}
