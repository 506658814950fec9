using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// The workflow designer as the procedures' manager uses it: the bpmn-js canvas (palette, context pad, replace menu),
/// the properties panel (Plie pickers, Camunda form fields) and the designer's toolbar.
/// </summary>
public static class DesignerDriver
{
    /// <summary>/procedures, then « Ouvrir » on the process; waits for the diagram.</summary>
    public static async Task OpenAsync(IPage page, string key)
    {
        await page.GotoAsync("/procedures");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Procédures" })).ToBeVisibleAsync();
        await page.Locator($"[data-testid=procedure-row][data-key='{key}']").GetByTestId("procedure-open").ClickAsync();
        await page.WaitForURLAsync(new Regex($"/procedures/{key}$"));
        await Expect(Shape(page, "StartEvent").Or(page.Locator(".djs-element.djs-shape")).First).ToBeVisibleAsync();
    }

    public static ILocator Canvas(IPage page) => page.GetByTestId("designer-canvas");

    public static ILocator Panel(IPage page) => page.GetByTestId("designer-properties");

    public static ILocator Element(IPage page, string id) => Canvas(page).Locator($".djs-element[data-element-id='{id}']");

    private static ILocator Shape(IPage page, string typeFragment) => Canvas(page).Locator($".djs-shape[data-element-id*='{typeFragment}']");

    /// <summary>
    /// Brings an element into view, away from the palette, and zooms in on it, as with a mouse: the wheel scrolls the
    /// canvas, Ctrl + wheel zooms around the pointer.
    /// </summary>
    public static async Task ZoomOnAsync(IPage page, string elementId, int wheelSteps = 3)
    {
        var canvasBox = await Canvas(page).BoundingBoxAsync() ?? throw new InvalidOperationException("Canevas non affiché.");
        var (x, _) = await CenterAsync(Element(page, elementId));
        await page.Mouse.MoveAsync(canvasBox.X + canvasBox.Width / 2, canvasBox.Y + canvasBox.Height / 2);
        // Horizontally, until the element is in the middle of the canvas.
        await page.Mouse.WheelAsync(x - (canvasBox.X + canvasBox.Width / 2), 0);
        await page.WaitForTimeoutAsync(200);
        var center = await CenterAsync(Element(page, elementId));
        await page.Mouse.MoveAsync(center.X, center.Y);
        await page.Keyboard.DownAsync("Control");
        for (var i = 0; i < wheelSteps; i++)
        {
            await page.Mouse.WheelAsync(0, -100);
            await page.WaitForTimeoutAsync(150);
        }
        await page.Keyboard.UpAsync("Control");
    }

    /// <summary>The middle of an element on the screen.</summary>
    public static async Task<(float X, float Y)> CenterAsync(ILocator element)
    {
        var box = await element.BoundingBoxAsync() ?? throw new InvalidOperationException("Élément non affiché.");
        return (box.X + box.Width / 2, box.Y + box.Height / 2);
    }

    /// <summary>
    /// Takes a shape from the palette (the entry's icon class, e.g. <c>bpmn-icon-task</c>) and drops it at a point of the canvas: click on the
    /// palette entry, move there, click (bpmn-js' click-to-place).
    /// </summary>
    public static async Task DropFromPaletteAsync(IPage page, string paletteIcon, (float X, float Y) at)
    {
        await Canvas(page).Locator($".djs-palette .entry.{paletteIcon}").ClickAsync();
        await page.Mouse.MoveAsync(at.X - 40, at.Y - 40, new() { Steps = 4 });
        await page.Mouse.MoveAsync(at.X, at.Y, new() { Steps = 8 });
        await page.Mouse.ClickAsync(at.X, at.Y);
    }

    /// <summary>A click on a free spot of the canvas (bottom right, above the watermark): ends label editing, clears the selection.</summary>
    public static async Task ClickOnEmptyCanvasAsync(IPage page)
    {
        var box = await Canvas(page).BoundingBoxAsync() ?? throw new InvalidOperationException("Canevas non affiché.");
        await page.Mouse.ClickAsync(box.X + box.Width - 120, box.Y + box.Height - 90);
    }

    /// <summary>Clicks the middle of an element with the mouse (selects it and opens its context pad).</summary>
    public static async Task ClickElementAsync(IPage page, string id)
    {
        var (x, y) = await CenterAsync(Element(page, id));
        // A click right after another canvas gesture is sometimes taken for its end: click again until selected.
        for (var attempt = 1; ; attempt++)
        {
            await page.Mouse.MoveAsync(x - 5, y - 5);
            await page.Mouse.MoveAsync(x, y, new() { Steps = 3 });
            await page.Mouse.ClickAsync(x, y);
            try
            {
                await Expect(Element(page, id)).ToHaveClassAsync(new Regex("selected"), new() { Timeout = 1_500 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>The id of the element now selected on the canvas.</summary>
    public static Task<string> SelectedIdAsync(IPage page) =>
        Canvas(page).Locator(".djs-element.selected").First.GetAttributeAsync("data-element-id")!;

    /// <summary>The context pad's wrench (« change element »), then an entry of the replace menu.</summary>
    public static async Task ReplaceSelectedAsync(IPage page, string replaceEntryId)
    {
        await Canvas(page).Locator(".djs-context-pad .entry[data-action='replace']").ClickAsync();
        await page.Locator($".djs-popup [data-id='{replaceEntryId}']").ClickAsync();
    }

    /// <summary>Opens a group of the properties panel (they start closed) unless it is open already.</summary>
    public static async Task OpenGroupAsync(IPage page, string groupId)
    {
        var group = Panel(page).Locator($"[data-group-id='group-{groupId}']");
        await Expect(group).ToBeVisibleAsync();
        var header = group.Locator(".bio-properties-panel-group-header").First;
        if (!((await header.GetAttributeAsync("class")) ?? "").Contains("open")) await header.ClickAsync();
    }

    /// <summary>Types in a text entry of the properties panel and leaves it (the panel writes on input, debounced).</summary>
    public static async Task FillEntryAsync(ILocator input, string value)
    {
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    public static async Task SaveAsync(IPage page)
    {
        await page.GetByTestId("designer-save").ClickAsync();
        await Expect(page.GetByTestId("designer-unsaved")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("designer-state")).ToContainTextAsync("Brouillon");
    }

    public static async Task ValidateAsync(IPage page) => await page.GetByTestId("designer-validate").ClickAsync();
}
