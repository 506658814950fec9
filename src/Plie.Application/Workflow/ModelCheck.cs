using System.Xml;
using Plie.Workflow;

namespace Plie.Application.Workflow;

/// <summary>
/// The deploy check, made safe for anything a client uploads: a document nested deeper than the engine's recursive
/// parser can take is refused before it gets there (it would overflow the stack and bring the process down), and a
/// check that throws instead of reporting (e.g. on some JavaScript syntax errors) becomes a validation error.
/// </summary>
public static class ModelCheck
{
    /// <summary>Element nesting allowed in a BPMN document: far beyond any real model.</summary>
    public const int MaxDepth = 100;

    public static IReadOnlyList<ValidationError> Validate(IWorkflowEngine engine, string xml)
    {
        if (TooDeep(xml)) return [new ValidationError(null, $"Le modèle est imbriqué trop profondément (plus de {MaxDepth} niveaux d'éléments XML).")];
        try
        {
            return engine.Validate(xml);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return [new ValidationError(null, "Le modèle n'a pas pu être vérifié : " + (e.InnerException ?? e).Message)];
        }
    }

    /// <summary>Reads the document without recursion; a document that is not well-formed is left to the engine to report.</summary>
    private static bool TooDeep(string xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            while (reader.Read())
                if (reader.NodeType == XmlNodeType.Element && reader.Depth > MaxDepth) return true;
        }
        catch (XmlException)
        {
            // Not well-formed: the engine says where.
        }
        return false;
    }
}
