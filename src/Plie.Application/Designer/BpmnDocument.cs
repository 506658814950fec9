using System.Xml;
using System.Xml.Linq;

namespace Plie.Application.Designer;

/// <summary>
/// What the designer reads of a BPMN document without the engine (a draft may be invalid): whether it is XML at all,
/// the process id and name, and a blank model for a new process.
/// </summary>
public static class BpmnDocument
{
    public const string BpmnNamespace = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    public const string CamundaNamespace = "http://camunda.org/schema/1.0/bpmn";

    /// <summary>At most 5 MB of text, as the API's uploads.</summary>
    public const int MaxChars = 5 * 1024 * 1024;

    /// <summary>The parsed document, or null with the reason (in French) when it is not well-formed XML.</summary>
    public static XDocument? TryParse(string? xml, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(xml))
        {
            error = "Le modèle est vide.";
            return null;
        }
        try
        {
            // No DTD (no entity expansion), no external resources.
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null,
            });
            return XDocument.Load(reader, LoadOptions.None);
        }
        catch (XmlException e)
        {
            error = $"Ce n'est pas un document XML lisible (ligne {e.LineNumber}, colonne {e.LinePosition}).";
            return null;
        }
    }

    public static bool IsXml(string? xml) => TryParse(xml, out _) is not null;

    /// <summary>The first bpmn:process element, if any.</summary>
    public static XElement? Process(XDocument doc) => doc.Root?.Element(XName.Get("process", BpmnNamespace));

    /// <summary>The process id and name of a document, when it has a process.</summary>
    public static (string? Id, string? Name) ProcessIdentity(string xml) =>
        TryParse(xml, out _) is { } doc && Process(doc) is { } process
            ? ((string?)process.Attribute("id"), (string?)process.Attribute("name"))
            : (null, null);

    /// <summary>A new process: a start event and an end event, joined by a flow, with their diagram.</summary>
    public static string Blank(string key, string name) =>
        $"""
         <?xml version="1.0" encoding="UTF-8"?>
         <bpmn:definitions xmlns:bpmn="{BpmnNamespace}" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="{CamundaNamespace}" id="Definitions_{key}" targetNamespace="https://plie-dunkerquois.fr/bpmn">
           <bpmn:process id="{key}" name="{System.Security.SecurityElement.Escape(name)}" isExecutable="true">
             <bpmn:startEvent id="Start" name="Début">
               <bpmn:outgoing>Flow_Start_End</bpmn:outgoing>
             </bpmn:startEvent>
             <bpmn:endEvent id="End" name="Fin">
               <bpmn:incoming>Flow_Start_End</bpmn:incoming>
             </bpmn:endEvent>
             <bpmn:sequenceFlow id="Flow_Start_End" sourceRef="Start" targetRef="End" />
           </bpmn:process>
           <bpmndi:BPMNDiagram id="Diagram_{key}">
             <bpmndi:BPMNPlane id="Plane_{key}" bpmnElement="{key}">
               <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="180" y="100" width="36" height="36" /></bpmndi:BPMNShape>
               <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="480" y="100" width="36" height="36" /></bpmndi:BPMNShape>
               <bpmndi:BPMNEdge id="Flow_Start_End_di" bpmnElement="Flow_Start_End"><di:waypoint x="216" y="118" /><di:waypoint x="480" y="118" /></bpmndi:BPMNEdge>
             </bpmndi:BPMNPlane>
           </bpmndi:BPMNDiagram>
         </bpmn:definitions>
         """;
}
