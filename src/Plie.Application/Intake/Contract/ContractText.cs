using System.Security.Cryptography;
using System.Text;
using Plie.Domain.Participants;

namespace Plie.Application.Intake.Contract;

/// <summary>The text of the contrat d'engagement, built from the file. Deterministic: its SHA-256 is what both sign.</summary>
public sealed record ContractText(string Title, IReadOnlyList<string> Paragraphs)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Title + "\n" + string.Join("\n", Paragraphs))));

    public static ContractText For(Participant p, string communeName, string referentName, DateOnly entryDate) => new(
        "Contrat d'engagement — PLIE du Dunkerquois",
        [
            $"Entre {p.FirstName} {p.LastName}, né(e) le {p.BirthDate:dd/MM/yyyy}, demeurant {p.Address ?? "(adresse non renseignée)"}, {communeName},",
            $"et le PLIE du Dunkerquois (association Entreprendre Ensemble), représenté par {referentName}, référent(e) de parcours.",
            $"Date d'entrée dans le PLIE : {entryDate:dd/MM/yyyy}.",
            "Le PLIE s'engage à proposer un accompagnement individualisé et renforcé, assuré par un référent unique tout au long du parcours, "
            + "à mobiliser les actions et partenaires utiles à la levée des freins sociaux et professionnels, et à accompagner vers un emploi durable "
            + "(CDI, CDD de 6 mois et plus) ou une formation qualifiante.",
            "Le participant s'engage à se rendre aux rendez-vous fixés avec son référent, à participer aux actions convenues dans son plan d'action, "
            + "à informer son référent de tout changement de situation, et à répondre à l'enquête de suivi six mois après sa sortie.",
            "Les données personnelles recueillies sont nécessaires au suivi du parcours et aux obligations du Fonds social européen (FSE+). "
            + "Le participant dispose d'un droit d'accès et de rectification auprès du PLIE.",
        ]);
}

/// <summary>Renders the contract as a PDF, with the signatures when given.</summary>
public interface IContractRenderer
{
    byte[] Render(ContractText text, ContractSignatures? signatures);
}

public sealed record ContractSignatures(byte[] ParticipantPng, DateTimeOffset ParticipantSignedAt, byte[] CounsellorPng,
    DateTimeOffset CounsellorSignedAt, string CounsellorName, string DocumentSha256);
