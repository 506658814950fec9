using Plie.Application.Intake.Contract;

namespace Plie.Infrastructure.Documents;

/// <summary>The contrat d'engagement as a PDF, with both signatures, their time and the signed text's hash.</summary>
public sealed class ContractPdfRenderer : IContractRenderer
{
    public byte[] Render(ContractText text, ContractSignatures? signatures)
    {
        const double margin = 56;
        const double width = SimplePdf.PageWidth - 2 * margin;
        var pdf = new SimplePdf();
        var y = margin;
        y = pdf.Paragraph(margin, y, width, text.Title, 16, bold: true) + 12;
        foreach (var paragraph in text.Paragraphs)
            y = pdf.Paragraph(margin, y, width, paragraph, 10.5) + 6;
        y += 24;
        var half = width / 2 - 10;
        var right = margin + half + 20;
        pdf.Text(margin, y, "Le participant", 10.5, bold: true);
        pdf.Text(right, y, "Le référent de parcours", 10.5, bold: true);
        y += 10;
        if (signatures is not null)
        {
            pdf.Png(signatures.ParticipantPng, margin, y, half, 90);
            pdf.Png(signatures.CounsellorPng, right, y, half, 90);
            y += 100;
            pdf.Text(margin, y, $"Signé le {signatures.ParticipantSignedAt:dd/MM/yyyy à HH:mm:ss} (UTC)", 8);
            pdf.Text(right, y, $"{signatures.CounsellorName}, le {signatures.CounsellorSignedAt:dd/MM/yyyy à HH:mm:ss} (UTC)", 8);
        }
        else
        {
            pdf.Line(margin, y + 80, margin + half, y + 80);
            pdf.Line(right, y + 80, right + half, y + 80);
        }
        pdf.Text(margin, SimplePdf.PageHeight - margin / 2, $"Empreinte SHA-256 du texte signé : {text.Sha256}", 7, gray: 0.4);
        return pdf.ToBytes(text.Title);
    }
}
