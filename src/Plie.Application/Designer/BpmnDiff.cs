using System.Xml.Linq;

namespace Plie.Application.Designer;

/// <summary>How one element differs between two models.</summary>
public enum ElementChangeKind { Added, Removed, Changed }

/// <summary>One property of an element that differs: its name in French-readable form, before and after.</summary>
public sealed record PropertyChange(string Property, string? Before, string? After);

public sealed record ElementChange(string ElementId, string? Name, string Type, ElementChangeKind Kind,
    IReadOnlyList<PropertyChange> Changes);

/// <summary>
/// Compares the process elements of two BPMN documents by id (the diagram's layout is ignored): elements added,
/// removed, and changed with what changed — name, type, attributes (Camunda's included: candidate groups, form key,
/// topic, due date…), condition, timer, and each extension element (form fields, input/output mappings…).
/// </summary>
public static class BpmnDiff
{
    private static readonly XNamespace Bpmn = BpmnDocument.BpmnNamespace;
    private static readonly XNamespace Camunda = BpmnDocument.CamundaNamespace;

    public static IReadOnlyList<ElementChange> Compare(XDocument before, XDocument after)
    {
        var old = Elements(before);
        var now = Elements(after);
        var result = new List<ElementChange>();
        foreach (var (id, element) in now)
        {
            if (!old.TryGetValue(id, out var previous))
            {
                result.Add(new ElementChange(id, Name(element), element.Name.LocalName, ElementChangeKind.Added, []));
                continue;
            }
            var changes = Properties(previous).ToDictionary(p => p.Key, p => p.Value);
            var current = Properties(element).ToDictionary(p => p.Key, p => p.Value);
            var diff = changes.Keys.Union(current.Keys)
                .Where(k => changes.GetValueOrDefault(k) != current.GetValueOrDefault(k))
                .Order(StringComparer.Ordinal)
                .Select(k => new PropertyChange(k, changes.GetValueOrDefault(k), current.GetValueOrDefault(k)))
                .ToList();
            if (diff.Count > 0)
                result.Add(new ElementChange(id, Name(element) ?? Name(previous), element.Name.LocalName, ElementChangeKind.Changed, diff));
        }
        foreach (var (id, element) in old)
            if (!now.ContainsKey(id))
                result.Add(new ElementChange(id, Name(element), element.Name.LocalName, ElementChangeKind.Removed, []));
        return result.OrderBy(c => c.Kind).ThenBy(c => c.ElementId, StringComparer.Ordinal).ToList();
    }

    /// <summary>The process's elements (and those of its sub-processes), by id; messages and errors too.</summary>
    private static Dictionary<string, XElement> Elements(XDocument doc)
    {
        var result = new Dictionary<string, XElement>(StringComparer.Ordinal);
        if (doc.Root is not { } root) return result;
        foreach (var top in root.Elements().Where(e => e.Name.Namespace == Bpmn))
        {
            if (top.Name.LocalName == "process")
            {
                if ((string?)top.Attribute("id") is { } processId) result.TryAdd(processId, top);
                foreach (var e in FlowElements(top)) result.TryAdd((string)e.Attribute("id")!, e);
            }
            else if ((string?)top.Attribute("id") is { } id) result.TryAdd(id, top);
        }
        return result;
    }

    private static IEnumerable<XElement> FlowElements(XElement container)
    {
        foreach (var e in container.Elements().Where(e => e.Name.Namespace == Bpmn && e.Attribute("id") is not null
                                                          && e.Name.LocalName is not ("documentation" or "extensionElements")))
        {
            yield return e;
            if (e.Name.LocalName is "subProcess" or "transaction")
                foreach (var inner in FlowElements(e)) yield return inner;
        }
    }

    private static string? Name(XElement e) => (string?)e.Attribute("name");

    /// <summary>The comparable properties of an element, flattened to text.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Properties(XElement e)
    {
        yield return new("type", e.Name.LocalName);
        foreach (var a in e.Attributes().Where(a => !a.IsNamespaceDeclaration && a.Name.LocalName != "id"))
            yield return new(a.Name.Namespace == Camunda ? "camunda:" + a.Name.LocalName : a.Name.LocalName, a.Value);
        foreach (var child in e.Elements())
        {
            var local = child.Name.LocalName;
            if (child.Name.Namespace != Bpmn || local is "incoming" or "outgoing") continue;
            if (e.Name.LocalName is "process" or "subProcess" or "transaction" && child.Attribute("id") is not null
                && local is not ("documentation" or "extensionElements")) continue; // compared as elements of their own
            if (local == "extensionElements")
            {
                var index = new Dictionary<string, int>();
                foreach (var ext in child.Elements())
                {
                    var key = (ext.Name.Namespace == Camunda ? "camunda:" : "") + ext.Name.LocalName;
                    var n = index[key] = index.GetValueOrDefault(key) + 1;
                    yield return new(n == 1 ? key : $"{key} #{n}", Flatten(ext));
                }
                continue;
            }
            yield return new(local, Flatten(child));
        }
    }

    /// <summary>An element as compact text: its attributes and children, without namespace prefixes or whitespace.</summary>
    private static string Flatten(XElement e)
    {
        var attributes = e.Attributes().Where(a => !a.IsNamespaceDeclaration)
            .Select(a => $"{a.Name.LocalName}=\"{a.Value}\"");
        var head = string.Join(" ", new[] { e.Name.LocalName }.Concat(attributes));
        if (!e.HasElements) return e.Value.Trim() is { Length: > 0 } text ? $"{head}: {text}" : head;
        return $"{head} [{string.Join("; ", e.Elements().Select(Flatten))}]";
    }
}
