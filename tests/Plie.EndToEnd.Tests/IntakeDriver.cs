using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Plie.EndToEnd.Tests;

/// <summary>A person oriented to the PLIE in a test (names are unique per test, so that rows are found by name).</summary>
public sealed record Person(string FirstName, string LastName, DateOnly BirthDate, string Commune = "Dunkerque")
{
    /// <summary>As the inbox and the file show it: « Prénom NOM ».</summary>
    public string FullName => $"{FirstName} {LastName.ToUpperInvariant()}";

    public Guid Id { get; set; }
}

/// <summary>
/// The steps of the intake procedure as a user does them in the browser: each method takes the page of a signed-in user
/// (see <see cref="PlieApp.SignInAsync"/>) and goes through the screens, asserting what the user sees on the way.
/// </summary>
public static partial class IntakeDriver
{
    public const string FirstInterviewStep = "Entretiens de 1er accueil";
    public const string OpinionStep = "Avis du conseiller";
    public const string ValidationStep = "Validation par le Responsable Accompagnement";
    public const string DocumentsReviewStep = "Contrôle des pièces justificatives";
    public const string CollectDocumentsStep = "Recueillir les pièces manquantes";
    public const string ReminderStep = "Relance : pièces toujours manquantes";
    public const string ContractStep = "Signature du contrat d'engagement";

    public const string IdentityDocument = "Pièce d'identité ou titre de séjour";
    public const string AddressDocument = "Justificatif de domicile";

    /// <summary>How long the background steps (eligibility check, admission, reminder timer) may take on a busy machine.</summary>
    public static readonly TimeSpan Background = TimeSpan.FromSeconds(60);

    /// <summary>A small real PDF (what the server sniffs: « %PDF- »).</summary>
    public static byte[] Pdf(string text) => System.Text.Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        + $"% {text}\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    // ------------------------------------------------------------------ MudBlazor inputs

    /// <summary>Picks <paramref name="option"/> in the MudSelect whose input carries <paramref name="testId"/>.</summary>
    public static async Task SelectAsync(IPage page, string testId, string option)
    {
        await page.GetByTestId(testId).ClickAsync();
        var item = page.Locator(".mud-popover-open .mud-list-item")
            .Filter(new() { HasTextRegex = new Regex("^\\s*" + Regex.Escape(option) + "(\\s|$|\\()") });
        await item.First.ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    /// <summary>Types a date as jj/mm/aaaa in an editable MudDatePicker and leaves the field (the value is parsed on change).</summary>
    public static async Task TypeDateAsync(IPage page, string testId, DateOnly date)
    {
        var input = page.GetByTestId(testId);
        await input.FillAsync(date.ToString("dd/MM/yyyy"));
        await input.PressAsync("Tab");
        await CloseOpenPopoverAsync(page);
        await Expect(input).ToHaveValueAsync(date.ToString("dd/MM/yyyy"));
    }

    private static async Task CloseOpenPopoverAsync(IPage page)
    {
        if (await page.Locator(".mud-popover-open").CountAsync() > 0) await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
    }

    // ------------------------------------------------------------------ orientation and file

    /// <summary>/orientation as a conseiller: identity, commune, submit; lands on the new file, whose id is returned.</summary>
    public static async Task<Guid> CreateOrientationAsync(IPage page, Person person)
    {
        await page.GotoAsync("/orientation");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Nouvelle orientation" })).ToBeVisibleAsync();
        await page.GetByTestId("orientation-first-name").FillAsync(person.FirstName);
        await page.GetByTestId("orientation-last-name").FillAsync(person.LastName);
        await TypeDateAsync(page, "orientation-birth-date", person.BirthDate);
        await SelectAsync(page, "orientation-commune", person.Commune);
        await page.GetByTestId("orientation-submit").ClickAsync();

        await PlieApp.WaitToLeaveAsync(page, url => FileUrl().IsMatch(url), "Le dossier n'est pas ouvert");
        await Expect(page.GetByTestId("file-name")).ToHaveTextAsync(person.FullName);
        await Expect(page.GetByTestId("file-status")).ToHaveTextAsync("En cours d'accueil");
        await Expect(page.GetByTestId("file-commune")).ToHaveTextAsync(person.Commune);
        await Expect(page.GetByTestId("file-open-task").Filter(new() { HasText = FirstInterviewStep })).ToBeVisibleAsync();
        person.Id = Guid.Parse(page.Url[^36..]);
        return person.Id;
    }

    [GeneratedRegex("/participants/[0-9a-f-]{36}$")]
    private static partial Regex FileUrl();

    public static async Task OpenFileAsync(IPage page, Person person)
    {
        await page.GotoAsync($"/participants/{person.Id}");
        await Expect(page.GetByTestId("file-name")).ToHaveTextAsync(person.FullName);
    }

    /// <summary>
    /// Uploads a document with a DocumentUpload block whose test id is <paramref name="uploadTestId"/>:
    /// the type (when the block has a select), the file, « Déposer la pièce ».
    /// </summary>
    public static async Task UploadAsync(IPage page, string? typeLabel, string fileName, string uploadTestId = "file-document-upload")
    {
        if (typeLabel is not null) await SelectAsync(page, $"{uploadTestId}-type", typeLabel);
        await page.GetByTestId($"{uploadTestId}-file").SetInputFilesAsync(new FilePayload
        {
            Name = fileName, MimeType = "application/pdf", Buffer = Pdf(fileName),
        });
        await Expect(page.GetByTestId($"{uploadTestId}-file-name")).ToHaveTextAsync(fileName);
        await page.GetByTestId($"{uploadTestId}-submit").ClickAsync();
    }

    /// <summary>Uploads the two documents everyone must provide, from the file page, and checks they are listed.</summary>
    public static async Task UploadRequiredDocumentsAsync(IPage page, Person person)
    {
        await OpenFileAsync(page, person);
        foreach (var (type, fileName) in new[] { (IdentityDocument, "carte-identite.pdf"), (AddressDocument, "facture-edf.pdf") })
        {
            await UploadAsync(page, type, fileName);
            await Expect(Document(page, fileName)).ToContainTextAsync("En attente de contrôle");
        }
        await Expect(page.GetByTestId("file-required-document").Filter(new() { HasText = "En attente de contrôle" })).ToHaveCountAsync(2);
    }

    public static ILocator Document(IPage page, string fileName) =>
        page.GetByTestId("file-document").Filter(new() { Has = page.GetByTestId("file-document-preview").GetByText(fileName, new() { Exact = true }) });

    /// <summary>Reloads the file until <paramref name="status"/> shows (the background steps update it).</summary>
    public static async Task WaitForStatusAsync(IPage page, Person person, string status)
    {
        await PollAsync(page, async () =>
        {
            await OpenFileAsync(page, person);
            await Expect(page.GetByTestId("file-status")).ToHaveTextAsync(status, new() { Timeout = 3_000 });
        }, $"le statut « {status} » du dossier de {person.FullName}");
    }

    // ------------------------------------------------------------------ inbox and tasks

    public static ILocator InboxRow(IPage page, string step, Person person) =>
        page.GetByTestId("inbox-row")
            .Filter(new() { Has = page.GetByTestId("inbox-row-person").GetByText(person.FullName, new() { Exact = true }) })
            .Filter(new() { Has = page.GetByTestId("inbox-row-step").GetByText(step, new() { Exact = true }) });

    /// <summary>
    /// « Ma corbeille », reloaded until the task shows (it loads once per visit, and background steps create tasks).
    /// </summary>
    public static async Task<ILocator> WaitForInboxTaskAsync(IPage page, string step, Person person, TimeSpan? timeout = null)
    {
        var row = InboxRow(page, step, person);
        await PollAsync(page, async () =>
        {
            await page.GotoAsync("/");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ma corbeille" })).ToBeVisibleAsync();
            await Expect(row).ToBeVisibleAsync(new() { Timeout = 3_000 });
        }, $"la tâche « {step} » de {person.FullName} dans la corbeille", timeout);
        return row;
    }

    /// <summary>Opens a task from « Ma corbeille » and waits for its form.</summary>
    public static async Task OpenTaskAsync(IPage page, string step, Person person, TimeSpan? timeout = null)
    {
        var row = await WaitForInboxTaskAsync(page, step, person, timeout);
        await row.GetByTestId("inbox-row-step").ClickAsync();
        await page.WaitForURLAsync(new Regex("/taches/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("task-title")).ToHaveTextAsync(step);
        await Expect(page.GetByTestId("task-participant-link")).ToHaveTextAsync(person.FullName);
        await Expect(page.GetByTestId("task-form")).ToBeVisibleAsync();
    }

    /// <summary>Clicks the form's completing button; the task page goes back to the inbox with « Tâche terminée ».</summary>
    public static async Task SubmitTaskAsync(IPage page)
    {
        await page.GetByTestId("task-submit").ClickAsync();
        await PlieApp.WaitToLeaveAsync(page, url => new Uri(url).AbsolutePath == "/", "La tâche n'est pas terminée");
        await Expect(page.GetByText("Tâche terminée").First).ToBeVisibleAsync();
    }

    /// <summary>The conseiller records an interview with its report and ends the first-interview step.</summary>
    public static async Task DoFirstInterviewAsync(IPage page, Person person)
    {
        await OpenTaskAsync(page, FirstInterviewStep, person);
        await Expect(page.GetByTestId("form-first-interview")).ToBeVisibleAsync();
        await TypeDateAsync(page, "interview-date", DateOnly.FromDateTime(DateTime.Today));
        var report = $"Premier entretien avec {person.FirstName} : parcours, freins (mobilité), projet professionnel dans la logistique.";
        await page.GetByTestId("interview-report").FillAsync(report);
        await page.GetByTestId("interview-add").ClickAsync();
        await Expect(page.GetByTestId("interview")).ToContainTextAsync("Entretien n° 1");
        await Expect(page.GetByTestId("interview")).ToContainTextAsync(report);
        await SubmitTaskAsync(page);
    }

    /// <summary>The conseiller gives a favourable opinion with reasons.</summary>
    public static async Task GiveFavourableOpinionAsync(IPage page, Person person)
    {
        await OpenTaskAsync(page, OpinionStep, person);
        await Expect(page.GetByTestId("form-counsellor-opinion")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "Favorable", Exact = true }).CheckAsync();
        await page.GetByTestId("opinion-reasons").FillAsync("Motivé, disponible, projet réaliste : un accompagnement renforcé l'aidera à accéder à l'emploi.");
        await SubmitTaskAsync(page);
    }

    /// <summary>The Responsable validates the entry, after reading the opinion.</summary>
    public static async Task ValidateAsync(IPage page, Person person)
    {
        await OpenTaskAsync(page, ValidationStep, person);
        await Expect(page.GetByTestId("validation-opinion")).ToContainTextAsync("Favorable");
        await Expect(page.GetByTestId("validation-interviews")).ToContainTextAsync("N° 1");
        await page.GetByRole(AriaRole.Radio, new() { Name = "Valider", Exact = true }).CheckAsync();
        await page.GetByTestId("validation-comment").FillAsync("Entrée validée.");
        await SubmitTaskAsync(page);
    }

    /// <summary>The conseiller's part up to the Responsable: interview then opinion.</summary>
    public static async Task InterviewAndOpinionAsync(IPage page, Person person)
    {
        await DoFirstInterviewAsync(page, person);
        await GiveFavourableOpinionAsync(page, person);
    }

    public static ILocator ReviewDocument(IPage page, string fileName) =>
        page.GetByTestId("review-document").Filter(new() { Has = page.GetByTestId("review-document-preview").GetByText(fileName, new() { Exact = true }) });

    /// <summary>Statistiques: accepts or refuses (with a reason) each listed document, then records the review.</summary>
    public static async Task ReviewDocumentsAsync(IPage page, Person person, string[] accept, (string FileName, string Reason)[]? refuse = null,
        TimeSpan? timeout = null)
    {
        await OpenTaskAsync(page, DocumentsReviewStep, person, timeout);
        await Expect(page.GetByTestId("form-documents-review")).ToBeVisibleAsync();
        foreach (var fileName in accept)
            await ReviewDocument(page, fileName).GetByRole(AriaRole.Radio, new() { Name = "Accepter" }).CheckAsync();
        foreach (var (fileName, reason) in refuse ?? [])
        {
            var document = ReviewDocument(page, fileName);
            await document.GetByRole(AriaRole.Radio, new() { Name = "Refuser" }).CheckAsync();
            await document.GetByTestId("review-reason").FillAsync(reason);
        }
        await SubmitTaskAsync(page);
    }

    /// <summary>Draws a stroke over the canvas (mouse down, moves, up), as someone signing with a mouse.</summary>
    public static async Task DrawSignatureAsync(IPage page, string testId)
    {
        var canvas = page.GetByTestId(testId);
        await canvas.ScrollIntoViewIfNeededAsync();
        var box = await canvas.BoundingBoxAsync() ?? throw new InvalidOperationException($"{testId} n'est pas affiché.");
        var (x, y, w, h) = (box.X, box.Y, box.Width, box.Height);
        await page.Mouse.MoveAsync(x + w * 0.1f, y + h * 0.6f);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x + w * 0.3f, y + h * 0.3f, new() { Steps = 5 });
        await page.Mouse.MoveAsync(x + w * 0.5f, y + h * 0.7f, new() { Steps = 5 });
        await page.Mouse.MoveAsync(x + w * 0.8f, y + h * 0.35f, new() { Steps = 5 });
        await page.Mouse.UpAsync();
    }

    /// <summary>The conseiller signs the contract with the participant: both signature pads, « Signer le contrat ».</summary>
    public static async Task SignContractAsync(IPage page, Person person)
    {
        await OpenTaskAsync(page, ContractStep, person, Background);
        await Expect(page.GetByTestId("contract-text")).ToContainTextAsync(person.LastName, new() { IgnoreCase = true });
        await Expect(page.GetByTestId("contract-sha256")).ToHaveTextAsync(new Regex("^[0-9a-f]{64}$"));
        await DrawSignatureAsync(page, "signature-participant");
        await DrawSignatureAsync(page, "signature-counsellor");
        await SubmitTaskAsync(page);
    }

    // ------------------------------------------------------------------ polling

    /// <summary>
    /// Repeats <paramref name="attempt"/> (which reloads a page and asserts with a short timeout) until it passes:
    /// the pages load their data once, so what a background step changes shows only on a new visit.
    /// </summary>
    public static async Task PollAsync(IPage page, Func<Task> attempt, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Background);
        while (true)
        {
            try
            {
                await attempt();
                return;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
                // Not yet: visit the page again.
            }
            catch (PlaywrightException e)
            {
                throw new TimeoutException($"Attendu en vain ({(timeout ?? Background).TotalSeconds:0} s) : {what} ({page.Url}).", e);
            }
        }
    }

    // ------------------------------------------------------------------ screenshots for the docs

    /// <summary>Screenshots for the docs are taken when PLIE_SCREENSHOTS is set (to anything but 0/false).</summary>
    public static bool ScreenshotsWanted =>
        Environment.GetEnvironmentVariable("PLIE_SCREENSHOTS") is { Length: > 0 } v && v != "0" && !v.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>Saves the viewport (1400×900) as docs/screenshots/<paramref name="name"/>.png when wanted.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (!ScreenshotsWanted) return;
        // A picture for people: without the transient snackbars, animations finished.
        await page.EvaluateAsync("() => document.querySelectorAll('.mud-snackbar').forEach(s => s.remove())");
        var directory = Path.Combine(RepositoryRoot(), "docs", "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, name + ".png"), Type = ScreenshotType.Png, Animations = ScreenshotAnimations.Disabled });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Plie.sln"))) return dir.FullName;
        throw new InvalidOperationException("Racine du dépôt (Plie.sln) introuvable.");
    }

    /// <summary>A birth date that makes someone <paramref name="years"/> years old today, plus <paramref name="days"/> days younger.</summary>
    public static DateOnly Born(int years, int days = 0) => DateOnly.FromDateTime(DateTime.Today).AddYears(-years).AddDays(days);
}
