using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plie.Workflow.Expressions;
using Plie.Workflow.Model;

namespace Plie.Workflow.Runtime;

/// <summary>Checks the values given to complete a task against the task's camunda:formField definitions.</summary>
internal static class FormFieldValidation
{
    public static List<ValidationError> Check(string? formFieldsJson, IReadOnlyDictionary<string, JsonNode?> values)
    {
        var errors = new List<ValidationError>();
        if (formFieldsJson is null) return errors;
        var fields = JsonSerializer.Deserialize<List<FormField>>(formFieldsJson, JsonDefaults.Options) ?? [];
        foreach (var field in fields)
        {
            var label = field.Label ?? field.Id;
            if (!values.TryGetValue(field.Id, out var value) || VariableValues.IsEmpty(value))
            {
                if (field.Required) errors.Add(new ValidationError(field.Id, $"« {label} » est obligatoire."));
                continue;
            }
            var text = VariableValues.AsString(value);
            var ok = field.Type switch
            {
                "long" => value is JsonValue v && (v.TryGetValue<long>(out _) || long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)),
                "boolean" => value is JsonValue b && (b.TryGetValue<bool>(out _) || text is "true" or "false"),
                "date" => IsoTime.TryParseDate(text, out _),
                "enum" => field.Options.Any(o => o.Id == text),
                _ => true,
            };
            if (!ok)
                errors.Add(new ValidationError(field.Id, field.Type switch
                {
                    "long" => $"« {label} » doit être un nombre entier.",
                    "boolean" => $"« {label} » doit être oui ou non.",
                    "date" => $"« {label} » doit être une date.",
                    _ => $"« {label} » doit être l'une des valeurs : {string.Join(", ", field.Options.Select(o => o.Name))}.",
                }));
        }
        return errors;
    }
}
