using System.Reflection;
using Mediator;
using Plie.Application.Common;
using Plie.Workflow.Ports;

namespace Plie.Infrastructure.Workflow;

/// <summary>
/// The service-task topics: every Mediator request marked <see cref="WorkflowTopicAttribute"/>. Built once, by
/// reflection over the application assembly — a topic in XML only ever selects from this list.
/// </summary>
public sealed class MediatorTopicCatalog : ITopicCatalog
{
    private readonly Dictionary<string, Type> _requests;

    public MediatorTopicCatalog() : this([typeof(WorkflowTopicAttribute).Assembly]) { }

    public MediatorTopicCatalog(IEnumerable<Assembly> assemblies)
    {
        _requests = new Dictionary<string, Type>(StringComparer.Ordinal);
        var descriptors = new List<TopicDescriptor>();
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            var attribute = type.GetCustomAttribute<WorkflowTopicAttribute>();
            if (attribute is null) continue;
            if (!type.IsSealed || !typeof(IBaseRequest).IsAssignableFrom(type) && !typeof(IBaseCommand).IsAssignableFrom(type)
                && !typeof(IBaseQuery).IsAssignableFrom(type))
                throw new InvalidOperationException($"{type.FullName} : un topic de workflow doit être une requête Mediator scellée.");
            if (!_requests.TryAdd(attribute.Topic, type))
                throw new InvalidOperationException($"Le topic « {attribute.Topic} » est déclaré deux fois ({_requests[attribute.Topic].Name}, {type.Name}).");
            descriptors.Add(new TopicDescriptor(attribute.Topic, attribute.Description, Inputs(type), Outputs(type)));
        }
        Topics = descriptors.OrderBy(d => d.Topic, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<TopicDescriptor> Topics { get; }

    public bool IsKnown(string topic) => _requests.ContainsKey(topic);

    public Type RequestType(string topic) => _requests[topic];

    private static List<TopicVariable> Inputs(Type request)
    {
        var nullability = new NullabilityInfoContext(); // not thread-safe: one per use
        var ctor = request.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return ctor.GetParameters()
            .Select(p => new TopicVariable(Camel(p.Name!), TypeName(p.ParameterType),
                nullability.Create(p).WriteState != NullabilityState.Nullable && Nullable.GetUnderlyingType(p.ParameterType) is null))
            .ToList();
    }

    private static List<TopicVariable> Outputs(Type request)
    {
        var response = request.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d
                        && (d == typeof(ICommand<>) || d == typeof(IRequest<>) || d == typeof(IQuery<>)))
            .Select(i => i.GetGenericArguments()[0]).FirstOrDefault();
        if (response is null || response == typeof(Unit)) return [];
        return response.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => new TopicVariable(Camel(p.Name), TypeName(p.PropertyType), false)).ToList();
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string TypeName(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t == typeof(string) ? "string"
            : t == typeof(bool) ? "boolean"
            : t == typeof(int) || t == typeof(long) ? "long"
            : t == typeof(decimal) || t == typeof(double) ? "double"
            : t == typeof(DateOnly) || t == typeof(DateTime) || t == typeof(DateTimeOffset) ? "date"
            : t == typeof(Guid) ? "id"
            : "json";
    }
}
