using System.Globalization;
using System.Text;

namespace Plie.Infrastructure.Documents;

/// <summary>
/// A small PDF writer for Plie's own documents: A4 pages, text in the standard Helvetica fonts (WinAnsi encoding,
/// which covers French), and PNG images (8-bit RGB or RGBA, as a browser canvas exports them; transparency is
/// flattened on white). Enough for the contrat d'engagement; no third-party licence involved.
/// </summary>
public sealed class SimplePdf
{
    public const double PageWidth = 595.28, PageHeight = 841.89;
    private static readonly Encoding WinAnsi = CodePagesEncoding();
    private readonly List<StringBuilder> _pages = [];
    private readonly List<(byte[] Rgb, int Width, int Height)> _images = [];

    public SimplePdf() => NewPage();

    private StringBuilder Page => _pages[^1];

    public void NewPage() => _pages.Add(new StringBuilder());

    /// <summary>Draws one line of text; y is measured from the top of the page.</summary>
    public void Text(double x, double y, string text, double size, bool bold = false, double gray = 0)
    {
        Page.Append(Invariant($"BT {gray:0.##} g /{(bold ? "F2" : "F1")} {size:0.##} Tf {x:0.##} {PageHeight - y:0.##} Td ("))
            .Append(Escape(text)).Append(") Tj ET\n");
    }

    /// <summary>Draws a paragraph wrapped to <paramref name="width"/>; returns the y below it.</summary>
    public double Paragraph(double x, double y, double width, string text, double size, bool bold = false, double leading = 1.35)
    {
        foreach (var line in Wrap(text, width, size, bold))
        {
            Text(x, y + size, line, size, bold);
            y += size * leading;
        }
        return y;
    }

    /// <summary>Draws a PNG scaled into the box (keeping its proportions); y is the top of the box.</summary>
    public void Png(byte[] png, double x, double y, double maxWidth, double maxHeight)
    {
        var (rgb, w, h) = PngDecoder.ToRgb(png);
        _images.Add((rgb, w, h));
        var scale = Math.Min(maxWidth / w, maxHeight / h);
        Page.Append(Invariant($"q {w * scale:0.##} 0 0 {h * scale:0.##} {x:0.##} {PageHeight - y - h * scale:0.##} cm /Im{_images.Count} Do Q\n"));
    }

    public void Line(double x1, double y1, double x2, double y2) =>
        Page.Append(Invariant($"0.6 G 0.5 w {x1:0.##} {PageHeight - y1:0.##} m {x2:0.##} {PageHeight - y2:0.##} l S\n"));

    public byte[] ToBytes(string title)
    {
        var objects = new List<byte[]>();
        int Reserve() { objects.Add([]); return objects.Count; }
        void Set(int id, string body) => objects[id - 1] = Latin(body);

        var catalog = Reserve();
        var pages = Reserve();
        var info = Reserve();
        var fonts = (Regular: Reserve(), Bold: Reserve());
        Set(fonts.Regular, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
        Set(fonts.Bold, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
        var imageIds = new List<int>();
        foreach (var (rgb, w, h) in _images)
        {
            var id = Reserve();
            imageIds.Add(id);
            var data = Deflate(rgb);
            objects[id - 1] = Concat(Latin(Invariant($"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length {data.Length} >>\nstream\n")),
                data, Latin("\nendstream"));
        }
        var xobjects = string.Join(" ", imageIds.Select((id, i) => $"/Im{i + 1} {id} 0 R"));
        var kids = new List<int>();
        foreach (var content in _pages)
        {
            var stream = Reserve();
            var bytes = WinAnsi.GetBytes(content.ToString());
            objects[stream - 1] = Concat(Latin($"<< /Length {bytes.Length} >>\nstream\n"), bytes, Latin("endstream"));
            var page = Reserve();
            kids.Add(page);
            Set(page, Invariant($"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {PageWidth:0.##} {PageHeight:0.##}] /Contents {stream} 0 R /Resources << /Font << /F1 {fonts.Regular} 0 R /F2 {fonts.Bold} 0 R >> /XObject << {xobjects} >> >> >>"));
        }
        Set(pages, $"<< /Type /Pages /Kids [{string.Join(" ", kids.Select(k => $"{k} 0 R"))}] /Count {kids.Count} >>");
        Set(catalog, $"<< /Type /Catalog /Pages {pages} 0 R >>");
        Set(info, $"<< /Title ({Escape(title)}) /Producer (Plie) >>");

        using var output = new MemoryStream();
        output.Write(Latin("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n"));
        var offsets = new List<long>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(output.Position);
            output.Write(Latin($"{i + 1} 0 obj\n"));
            output.Write(objects[i]);
            output.Write(Latin("\nendobj\n"));
        }
        var xref = output.Position;
        var table = new StringBuilder($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) table.Append(offset.ToString("D10", CultureInfo.InvariantCulture)).Append(" 00000 n \n");
        table.Append($"trailer\n<< /Size {objects.Count + 1} /Root {catalog} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        output.Write(Latin(table.ToString()));
        return output.ToArray();
    }

    /// <summary>Splits text into lines that fit, using approximate Helvetica widths.</summary>
    public static IEnumerable<string> Wrap(string text, double width, double size, bool bold = false)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && Measure(candidate, size, bold) > width)
            {
                yield return line.ToString();
                line.Clear().Append(word);
            }
            else line.Clear().Append(candidate);
        }
        if (line.Length > 0) yield return line.ToString();
    }

    public static double Measure(string text, double size, bool bold) =>
        text.Sum(c => c switch
        {
            ' ' => 0.278,
            'i' or 'j' or 'l' or '\'' or '.' or ',' or ':' or ';' or '!' or '|' => 0.24,
            'f' or 't' or 'r' or 'I' or '(' or ')' or '-' => 0.34,
            'm' or 'w' or 'M' or 'W' => 0.86,
            >= 'A' and <= 'Z' => 0.68,
            >= '0' and <= '9' => 0.556,
            _ => 0.54,
        }) * size * (bold ? 1.06 : 1.0);

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\").Replace("(", "\\(").Replace(")", "\\)").Replace("\r", "").Replace("\n", " ")
            .Replace('\u2019', '\'').Replace('\u202f', ' ').Replace('\u00a0', ' ');

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            z.Write(data);
        return output.ToArray();
    }

    private static Encoding CodePagesEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252, new EncoderReplacementFallback("?"), DecoderFallback.ReplacementFallback);
    }

    private static byte[] Latin(string s) => Encoding.Latin1.GetBytes(s);
    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
