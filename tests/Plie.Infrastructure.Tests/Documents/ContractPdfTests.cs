using System.Text;
using System.Text.RegularExpressions;
using Plie.Application.Intake.Contract;
using Plie.Domain.Participants;
using Plie.Infrastructure.Documents;
using Plie.Testing;

namespace Plie.Infrastructure.Tests.Documents;

public sealed class ContractPdfTests
{
    private static readonly ContractText Text = ContractText.For(
        new Participant { FirstName = "Karima", LastName = "Benali", BirthDate = new DateOnly(1980, 5, 17), CommuneInseeCode = "59183", Address = "12 rue de la Digue" },
        "Dunkerque", "Élodie Lefèvre", new DateOnly(2026, 3, 2));

    [Fact]
    public void The_signed_contract_is_a_well_formed_pdf_with_both_signature_images()
    {
        var png = TestFiles.SignaturePng();
        var pdf = new ContractPdfRenderer().Render(Text, new ContractSignatures(png, DateTimeOffset.UnixEpoch, png, DateTimeOffset.UnixEpoch, "Élodie Lefèvre", Text.Sha256));
        var latin = Encoding.Latin1.GetString(pdf);

        Assert.StartsWith("%PDF-1.4", latin);
        Assert.EndsWith("%%EOF\n", latin);
        Assert.Equal(2, Regex.Matches(latin, "/Subtype /Image").Count);
        // every xref entry points at its object
        var xref = int.Parse(Regex.Match(latin, @"startxref\n(\d+)").Groups[1].Value);
        var entries = Regex.Matches(latin[xref..], @"(\d{10}) 00000 n").Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.NotEmpty(entries);
        for (var i = 0; i < entries.Count; i++) Assert.StartsWith($"{i + 1} 0 obj", latin[entries[i]..]);
        // French text in WinAnsi: "Élodie" is 0xC9 'l' 'o'…
        Assert.Contains("\u00c9lodie Lef\u00e8vre", latin);
        Assert.Contains(Text.Sha256, latin);
    }

    [Fact]
    public void The_contract_text_hash_changes_when_the_file_changes()
    {
        var other = ContractText.For(
            new Participant { FirstName = "Karima", LastName = "Benali", BirthDate = new DateOnly(1980, 5, 17), CommuneInseeCode = "59183", Address = "3 quai des Hollandais" },
            "Dunkerque", "Élodie Lefèvre", new DateOnly(2026, 3, 2));
        Assert.NotEqual(Text.Sha256, other.Sha256);
        Assert.Equal(64, Text.Sha256.Length);
    }

    [Fact]
    public void A_broken_png_is_refused_not_crashed_on()
    {
        Assert.Throws<InvalidDataException>(() => PngDecoder.ToRgb([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]));
        var (rgb, w, h) = PngDecoder.ToRgb(TestFiles.SignaturePng(20, 10));
        Assert.Equal((20, 10), (w, h));
        Assert.Equal(20 * 10 * 3, rgb.Length);
    }
}
