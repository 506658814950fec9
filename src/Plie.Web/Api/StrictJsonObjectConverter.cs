using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Plie.Web.Api;

/// <summary>
/// Reads a <see cref="JsonObject"/> (request variables) like the built-in converter, but a property given twice
/// (<c>{"a": 1, "a": 2}</c>) is a <see cref="JsonException"/> — a 400 — where the built-in converter throws an
/// <see cref="ArgumentException"/>, which would be a 500.
/// </summary>
public sealed class StrictJsonObjectConverter : JsonConverter<JsonObject>
{
    public override JsonObject? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return JsonMetadataServices.JsonObjectConverter.Read(ref reader, typeToConvert, options);
        }
        catch (ArgumentException e)
        {
            throw new InvalidJsonValueException("Une même propriété apparaît deux fois dans un objet JSON.", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, JsonObject value, JsonSerializerOptions options) =>
        JsonMetadataServices.JsonObjectConverter.Write(writer, value, options);
}

/// <summary>A JSON body refused for a reason told in French (the message is shown to the client).</summary>
public sealed class InvalidJsonValueException(string message, Exception? inner = null) : JsonException(message, inner);
