using Mediator;
using Plie.Application.Common;
using Plie.Workflow.Ports;

namespace Plie.Application.Designer.Catalogue;

/// <summary>
/// What the designer's pickers offer, from the server: the service-task topics (with their French description and
/// variables), the roles that are candidate groups, the task forms.
/// </summary>
public sealed record GetDesignerCatalogueQuery : IQuery<DesignerCatalogue>;

public sealed record DesignerCatalogue(IReadOnlyList<CatalogueTopic> Topics, IReadOnlyList<CatalogueGroup> Groups,
    IReadOnlyList<CatalogueForm> FormKeys);

/// <param name="Inputs">« name (type) », « obligatoire » when required.</param>
public sealed record CatalogueTopic(string Name, string Description, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);

public sealed record CatalogueGroup(string Id, string Label);

public sealed record CatalogueForm(string Key, string Label);

public sealed class GetDesignerCatalogueHandler(ITopicCatalog topics, IFormCatalog forms)
    : IQueryHandler<GetDesignerCatalogueQuery, DesignerCatalogue>
{
    public ValueTask<DesignerCatalogue> Handle(GetDesignerCatalogueQuery query, CancellationToken ct) =>
        ValueTask.FromResult(new DesignerCatalogue(
            topics.Topics.OrderBy(t => t.Topic, StringComparer.Ordinal)
                .Select(t => new CatalogueTopic(t.Topic, t.Description, t.Inputs.Select(Describe).ToList(), t.Outputs.Select(Describe).ToList()))
                .ToList(),
            PlieRoles.All.Select(r => new CatalogueGroup(r, PlieRoles.Label(r))).ToList(),
            forms.Forms.Select(f => new CatalogueForm(f.Key, f.Label)).ToList()));

    private static string Describe(TopicVariable v) => $"{v.Name} ({v.Type}{(v.Required ? ", obligatoire" : "")})";
}
