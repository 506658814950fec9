using System.Globalization;
using System.Text.Json.Nodes;

namespace Plie.Web.Components.Tasks;

/// <summary>
/// A camunda:formField of a task, with the value being edited. The types are Camunda's: string, long, boolean, date,
/// enum; anything else is edited as text.
/// </summary>
public sealed class FormFieldModel
{
    public required string Id { get; init; }
    public required string Label { get; init; }
    public required string Type { get; init; }
    public bool Required { get; init; }
    public IReadOnlyList<(string Id, string Name)> Options { get; init; } = [];

    public string? Text { get; set; }
    public long? Number { get; set; }
    public bool Flag { get; set; }
    public DateTime? Date { get; set; }

    /// <summary>The fields of a task (its FormFields JSON), prefilled from the instance's variables, else their default value.</summary>
    public static List<FormFieldModel> Parse(JsonNode? fields, JsonObject variables)
    {
        var result = new List<FormFieldModel>();
        if (fields is not JsonArray array) return result;
        foreach (var node in array.OfType<JsonObject>())
        {
            var id = (string?)node["id"];
            if (string.IsNullOrWhiteSpace(id)) continue;
            var options = node["options"] is JsonArray o
                ? o.OfType<JsonObject>().Select(x => ((string?)x["id"] ?? "", (string?)x["name"] ?? (string?)x["id"] ?? "")).Where(x => x.Item1.Length > 0).ToList()
                : [];
            var field = new FormFieldModel
            {
                Id = id,
                Label = (string?)node["label"] is { Length: > 0 } label ? label : id,
                Type = ((string?)node["type"] ?? "string").ToLowerInvariant(),
                Required = node["required"] is JsonValue r && r.TryGetValue<bool>(out var required) && required,
                Options = options,
            };
            var initial = variables.TryGetPropertyValue(id, out var value) && value is not null ? value : node["defaultValue"];
            field.Set(initial);
            result.Add(field);
        }
        return result;
    }

    private void Set(JsonNode? value)
    {
        var text = value switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => value.ToJsonString(),
        };
        switch (Type)
        {
            case "long":
                Number = long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
                break;
            case "boolean":
                Flag = text is "true" or "True";
                break;
            case "date":
                Date = DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d.Date : null;
                break;
            default:
                Text = text;
                break;
        }
    }

    /// <summary>The value as the engine takes it, or null when empty.</summary>
    public JsonNode? ToJson() => Type switch
    {
        "long" => Number is { } n ? JsonValue.Create(n) : null,
        "boolean" => JsonValue.Create(Flag),
        "date" => Date is { } d ? JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : null,
        _ => string.IsNullOrWhiteSpace(Text) ? null : JsonValue.Create(Text.Trim()),
    };
}
