using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using Plie.Application.Intake.Contract;

namespace Plie.Infrastructure.Documents;

/// <summary>The contrat d'engagement as a PDF (PDFsharp), with both signatures, their time and the document's hash.</summary>
public sealed class ContractPdfRenderer : IContractRenderer
{
    static ContractPdfRenderer() => DejaVuFonts.Install();

    public byte[] Render(ContractText text, ContractSignatures? signatures)
    {
        using var document = new PdfDocument();
        document.Info.Title = text.Title;
        document.Info.Creator = "Plie — PLIE du Dunkerquois";
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using var gfx = XGraphics.FromPdfPage(page);
        var title = new XFont(DejaVuFonts.Family, 16, XFontStyleEx.Bold);
        var body = new XFont(DejaVuFonts.Family, 10.5);
        var small = new XFont(DejaVuFonts.Family, 8);
        var formatter = new XTextFormatter(gfx);
        const double margin = 56;
        var width = page.Width.Point - 2 * margin;
        var y = margin;
        gfx.DrawString(text.Title, title, XBrushes.Black, new XRect(margin, y, width, 24), XStringFormats.TopLeft);
        y += 40;
        foreach (var paragraph in text.Paragraphs)
        {
            var lines = Math.Ceiling(gfx.MeasureString(paragraph, body).Width / width) + 1;
            var height = lines * body.GetHeight();
            formatter.DrawString(paragraph, body, XBrushes.Black, new XRect(margin, y, width, height), XStringFormats.TopLeft);
            y += height + 8;
        }
        y += 16;
        var half = width / 2 - 10;
        gfx.DrawString("Le participant", body, XBrushes.Black, margin, y);
        gfx.DrawString("Le référent de parcours", body, XBrushes.Black, margin + half + 20, y);
        y += 8;
        if (signatures is not null)
        {
            DrawSignature(gfx, signatures.ParticipantPng, margin, y, half);
            DrawSignature(gfx, signatures.CounsellorPng, margin + half + 20, y, half);
            y += 100;
            gfx.DrawString($"Signé le {signatures.ParticipantSignedAt:dd/MM/yyyy à HH:mm:ss} (UTC)", small, XBrushes.Black, margin, y);
            gfx.DrawString($"{signatures.CounsellorName}, le {signatures.CounsellorSignedAt:dd/MM/yyyy à HH:mm:ss} (UTC)", small,
                XBrushes.Black, margin + half + 20, y);
        }
        gfx.DrawString($"Empreinte SHA-256 du texte signé : {text.Sha256}", small, XBrushes.Gray, margin, page.Height.Point - margin / 2);
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private static void DrawSignature(XGraphics gfx, byte[] png, double x, double y, double maxWidth)
    {
        using var stream = new MemoryStream(png);
        using var image = XImage.FromStream(stream);
        var scale = Math.Min(maxWidth / image.PointWidth, 90 / image.PointHeight);
        gfx.DrawImage(image, x, y, image.PointWidth * scale, image.PointHeight * scale);
    }
}

/// <summary>PDFsharp needs fonts on Linux: DejaVu Sans, from the system (fonts-dejavu-core).</summary>
internal sealed class DejaVuFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private static readonly string[] Folders = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"];
    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0 && GlobalFontSettings.FontResolver is null)
            GlobalFontSettings.FontResolver = new DejaVuFonts();
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? "DejaVuSans-Bold" : "DejaVuSans");

    public byte[] GetFont(string faceName)
    {
        foreach (var folder in Folders)
        {
            var path = Path.Combine(folder, faceName + ".ttf");
            if (File.Exists(path)) return File.ReadAllBytes(path);
        }
        throw new InvalidOperationException($"Police {faceName}.ttf introuvable (paquet fonts-dejavu-core) dans : {string.Join(", ", Folders)}.");
    }
}
