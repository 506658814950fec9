using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;
using Plie.Application.Designer.Drafts;

namespace Plie.Application.Designer.Compare;

/// <summary>
/// The differences between two models of a process: <paramref name="From"/> and <paramref name="To"/> are version
/// numbers, or null for the draft.
/// </summary>
public sealed record CompareVersionsQuery(string Key, int? From, int? To) : IQuery<ModelComparison>;

public sealed record ModelComparison(string Key, string From, string To, IReadOnlyList<ElementChange> Changes);

/// <summary>The XML of one version of a process, for download.</summary>
public sealed record GetVersionXmlQuery(string Key, int Version) : IQuery<string>;

public sealed class CompareVersionsValidator : AbstractValidator<CompareVersionsQuery>
{
    public CompareVersionsValidator()
    {
        RuleFor(q => q.Key).ProcessKey();
        RuleFor(q => q.From).GreaterThanOrEqualTo(1).WithMessage("Le numéro de version commence à 1.");
        RuleFor(q => q.To).GreaterThanOrEqualTo(1).WithMessage("Le numéro de version commence à 1.");
        RuleFor(q => q).Must(q => q.From != q.To).WithName("To").WithMessage("Choisissez deux modèles différents à comparer.");
    }
}

public sealed class GetVersionXmlValidator : AbstractValidator<GetVersionXmlQuery>
{
    public GetVersionXmlValidator()
    {
        RuleFor(q => q.Key).ProcessKey();
        RuleFor(q => q.Version).GreaterThanOrEqualTo(1).WithMessage("Le numéro de version commence à 1.");
    }
}

public sealed class CompareVersionsHandler(IPlieDbContext db) : IQueryHandler<CompareVersionsQuery, ModelComparison>
{
    public async ValueTask<ModelComparison> Handle(CompareVersionsQuery query, CancellationToken ct)
    {
        var before = await LoadAsync(query.Key, query.From, ct);
        var after = await LoadAsync(query.Key, query.To, ct);
        return new ModelComparison(query.Key, Label(query.From), Label(query.To), BpmnDiff.Compare(before, after));
    }

    private static string Label(int? version) => version is { } v ? $"version {v}" : "brouillon";

    private async Task<System.Xml.Linq.XDocument> LoadAsync(string key, int? version, CancellationToken ct)
    {
        var xml = version is { } v
            ? await db.ProcessDefinitions.AsNoTracking().Where(d => d.Key == key && d.Version == v).Select(d => d.Xml).FirstOrDefaultAsync(ct)
              ?? throw new NotFoundException($"La procédure « {key} » n'a pas de version {v}.")
            : await db.ProcessDrafts.AsNoTracking().Where(d => d.Key == key).Select(d => d.Xml).FirstOrDefaultAsync(ct)
              ?? throw new NotFoundException($"La procédure « {key} » n'a pas de brouillon.");
        return BpmnDocument.TryParse(xml, out var error)
               ?? throw new FluentValidation.ValidationException($"Le {Label(version)} n'est pas comparable : {error}",
                   [new FluentValidation.Results.ValidationFailure("Xml", $"Le {Label(version)} n'est pas comparable : {error}")]);
    }
}

public sealed class GetVersionXmlHandler(IPlieDbContext db) : IQueryHandler<GetVersionXmlQuery, string>
{
    public async ValueTask<string> Handle(GetVersionXmlQuery query, CancellationToken ct) =>
        await db.ProcessDefinitions.AsNoTracking().Where(d => d.Key == query.Key && d.Version == query.Version)
            .Select(d => d.Xml).FirstOrDefaultAsync(ct)
        ?? throw new NotFoundException($"La procédure « {query.Key} » n'a pas de version {query.Version}.");
}
