using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Plie.Web.Api;

/// <summary>
/// A BPMN model sent to the API: either the raw XML as the request body (Content-Type application/xml or text/xml), or
/// a multipart/form-data upload with the file in the <c>file</c> field. At most <see cref="MaxBytes"/>.
/// </summary>
public sealed class BpmnUpload
{
    public const long MaxBytes = 5 * 1024 * 1024;
    public const string FileField = "file";

    private BpmnUpload(string xml) => Xml = xml;

    public string Xml { get; }

    /// <summary>Minimal-API binding: reads the model or throws <see cref="InvalidRequestException"/> (400, 413, 415).</summary>
    public static async ValueTask<BpmnUpload?> BindAsync(HttpContext http)
    {
        var request = http.Request;
        var ct = http.RequestAborted;
        if (request.ContentLength > MaxBytes) throw TooLarge();
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType))
            throw Unsupported(request.ContentType);
        var mediaType = contentType.MediaType.Value?.ToLowerInvariant();
        if (mediaType is "application/xml" or "text/xml" || mediaType?.EndsWith("+xml", StringComparison.Ordinal) == true)
            return new BpmnUpload(await ReadTextAsync(request.Body, CharsetOf(contentType), ct));
        if (mediaType == "multipart/form-data")
            return new BpmnUpload(await ReadFileAsync(request, ct));
        throw Unsupported(request.ContentType);
    }

    /// <summary>
    /// The request body in the OpenAPI document. (Declared there only: accepts-metadata on the endpoint would make
    /// routing answer 415 itself, without saying what to send.)
    /// </summary>
    public static Task DescribeRequestBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var xml = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Le XML BPMN 2.0 du modèle." } };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"Le modèle BPMN : le XML tel quel, ou un fichier envoyé en multipart/form-data dans le champ « {FileField} » ({MaxBytes / (1024 * 1024)} Mo au plus).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/xml"] = xml,
                ["text/xml"] = xml,
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { FileField },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            [FileField] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }

    private static async Task<string> ReadFileAsync(HttpRequest request, CancellationToken ct)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = MaxBytes, ValueLengthLimit = (int)MaxBytes }, ct);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw TooLarge();
        }
        catch (Exception e) when (e is InvalidDataException or IOException and not BadHttpRequestException)
        {
            throw new InvalidRequestException(StatusCodes.Status400BadRequest,
                "Le formulaire multipart/form-data est mal formé : envoyez le modèle dans le champ « file ».");
        }
        if (form.Files.GetFile(FileField) is { } file)
        {
            if (file.Length > MaxBytes) throw TooLarge();
            var charset = MediaTypeHeaderValue.TryParse(file.ContentType, out var fileType) ? CharsetOf(fileType) : null;
            await using var stream = file.OpenReadStream();
            return await ReadTextAsync(stream, charset, ct);
        }
        // A plain form field holding the XML (curl -F "file=<model.bpmn") is fine too.
        if (form.TryGetValue(FileField, out var text) && text.Count == 1) return text[0] ?? "";
        throw new InvalidRequestException(StatusCodes.Status400BadRequest,
            "Le formulaire ne contient pas de modèle : mettez le fichier BPMN dans le champ « file ».");
    }

    private static async Task<string> ReadTextAsync(Stream body, Encoding? charset, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        using var reader = new StreamReader(buffer, charset ?? Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(ct);
    }

    private static Encoding? CharsetOf(MediaTypeHeaderValue contentType)
    {
        if (!contentType.Charset.HasValue) return null;
        try
        {
            return Encoding.GetEncoding(contentType.Charset.Value!.Trim('"'));
        }
        catch (ArgumentException)
        {
            throw new InvalidRequestException(StatusCodes.Status415UnsupportedMediaType,
                $"Jeu de caractères inconnu : « {contentType.Charset} ». Envoyez le modèle en UTF-8.");
        }
    }

    private static InvalidRequestException TooLarge() => new(StatusCodes.Status413PayloadTooLarge,
        $"Le modèle dépasse la taille maximale de {MaxBytes / (1024 * 1024)} Mo.");

    private static InvalidRequestException Unsupported(string? contentType) => new(StatusCodes.Status415UnsupportedMediaType,
        (string.IsNullOrWhiteSpace(contentType) ? "La requête n'indique pas son type de contenu." : $"Type de contenu non pris en charge : « {contentType} ».")
        + " Envoyez le XML du modèle (Content-Type application/xml ou text/xml) ou un formulaire multipart/form-data avec le fichier dans le champ « file ».");
}
