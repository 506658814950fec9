using System.Text.Json;
using System.Text.Json.Nodes;
using Plie.Workflow.Expressions;
using Plie.Workflow.Model;

namespace Plie.Workflow.Runtime;

/// <summary>
/// What a user task's attributes give for one token: literals as written, expressions evaluated on the variables the
/// token sees. Used when a task is created, and when a migration makes an open task follow the target version.
/// </summary>
internal static class TaskAttributes
{
    public static string? Text(string? attribute, IReadOnlyDictionary<string, JsonNode?> vars) =>
        attribute is null ? null : VariableValues.AsString(ScriptEvaluator.EvaluateAttribute(attribute, vars));

    /// <summary>A comma-separated list (candidate groups or users); an expression may also give a JSON array.</summary>
    public static string[] List(string? attribute, IReadOnlyDictionary<string, JsonNode?> vars)
    {
        if (attribute is null) return [];
        if (ScriptEvaluator.IsExpression(attribute))
        {
            var value = ScriptEvaluator.EvaluateAttribute(attribute, vars);
            return value is JsonArray array
                ? array.Select(VariableValues.AsString).OfType<string>().ToArray()
                : Split(VariableValues.AsString(value));
        }
        return Split(attribute);
    }

    /// <summary>camunda:priority, 50 when absent.</summary>
    public static int Priority(UserTask node, IReadOnlyDictionary<string, JsonNode?> vars)
    {
        var text = Text(node.Priority, vars);
        if (text is null) return 50;
        return int.TryParse(text, out var p) ? p : throw new WorkflowException($"{node} : priorité illisible « {text} ».");
    }

    /// <summary>The camunda:formField definitions as stored on the task (null when there are none).</summary>
    public static string? FormFields(UserTask node) =>
        node.FormFields.Count == 0 ? null : JsonSerializer.Serialize(node.FormFields, JsonDefaults.Options);

    private static string[] Split(string? text) =>
        text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
