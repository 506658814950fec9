using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Application.Workflow.GetDefinitionXml;

/// <summary>The BPMN XML of a process: the given version, or the latest one.</summary>
public sealed record GetDefinitionXmlQuery(string Key, int? Version) : IQuery<DefinitionXml>;

public sealed record DefinitionXml(string Key, int Version, string Xml);

public sealed class GetDefinitionXmlValidator : AbstractValidator<GetDefinitionXmlQuery>
{
    public GetDefinitionXmlValidator()
    {
        RuleFor(q => q.Key).NotEmpty().WithMessage("La clé du processus est obligatoire.");
        RuleFor(q => q.Version).GreaterThanOrEqualTo(1).When(q => q.Version is not null)
            .WithMessage("Le numéro de version commence à 1.");
    }
}

public sealed class GetDefinitionXmlHandler(IPlieDbContext db) : IQueryHandler<GetDefinitionXmlQuery, DefinitionXml>
{
    public async ValueTask<DefinitionXml> Handle(GetDefinitionXmlQuery query, CancellationToken ct)
    {
        var definitions = db.ProcessDefinitions.AsNoTracking().Where(d => d.Key == query.Key);
        if (query.Version is { } version) definitions = definitions.Where(d => d.Version == version);
        var found = await definitions.OrderByDescending(d => d.Version)
                        .Select(d => new DefinitionXml(d.Key, d.Version, d.Xml))
                        .FirstOrDefaultAsync(ct)
                    ?? throw new NotFoundException(query.Version is null
                        ? $"Aucun processus « {query.Key} » n'est déployé."
                        : $"Le processus « {query.Key} » n'a pas de version {query.Version}.");
        return found;
    }
}
