using System.Security;
using System.Text.Json;
using Microsoft.Playwright;

namespace Plie.EndToEnd.Tests;

/// <summary>
/// Small procedures for the tests, deployed and driven through the API (as an integration would): a process of nodes in
/// a row, deploy, start for a participant, complete a case's open task.
/// </summary>
public static class ProcessDriver
{
    public static async Task DeployAsync(IPage admin, string xml)
    {
        var response = await admin.APIRequest.PostAsync("/api/workflow/definitions", new()
        {
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/xml" }, DataString = xml,
        });
        Assert.True(response.Status is 200 or 201, $"Déploiement refusé ({response.Status}) : {await response.TextAsync()}");
    }

    public static async Task<Guid> StartAsync(IPage admin, string key, Person person, object variables)
    {
        var response = await admin.APIRequest.PostAsync("/api/workflow/instances", new()
        {
            DataObject = new { processKey = key, businessKey = person.Id.ToString(), variables },
        });
        Assert.True(response.Status == 201, $"Démarrage refusé ({response.Status}) : {await response.TextAsync()}");
        return JsonDocument.Parse(await response.TextAsync()).RootElement.GetProperty("id").GetGuid();
    }

    public static async Task CompleteOpenTaskAsync(IPage admin, Guid instanceId)
    {
        var view = await admin.APIRequest.GetAsync($"/api/workflow/instances/{instanceId}/view");
        Assert.Equal(200, view.Status);
        var taskId = JsonDocument.Parse(await view.TextAsync()).RootElement.GetProperty("openTasks")[0].GetProperty("id").GetGuid();
        var completed = await admin.APIRequest.PostAsync($"/api/workflow/tasks/{taskId}/complete", new() { DataObject = new { } });
        Assert.True(completed.Status == 204, $"Tâche non terminée ({completed.Status}) : {await completed.TextAsync()}");
    }

    /// <summary>A flow node of <see cref="Linear"/>: its BPMN type, id, name, extra attributes and child elements.</summary>
    public sealed record Node(string Type, string Id, string Name, string Attributes = "", string Children = "")
    {
        public bool IsEvent => Type.EndsWith("Event", StringComparison.Ordinal);
        public int Width => IsEvent ? 36 : 120;
    }

    /// <summary>A process of nodes in a row, with its diagram (bpmn-js needs one).</summary>
    public static string Linear(string key, string name, params Node[] nodes)
    {
        var process = new System.Text.StringBuilder();
        var diagram = new System.Text.StringBuilder();
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = nodes[i];
            process.AppendLine($"<bpmn:{node.Type} id=\"{node.Id}\" name=\"{SecurityElement.Escape(node.Name)}\" {node.Attributes}>{node.Children}</bpmn:{node.Type}>");
            var height = node.IsEvent ? 36 : 80;
            var x = 100 + i * 200;
            diagram.AppendLine($"<bpmndi:BPMNShape id=\"{node.Id}_di\" bpmnElement=\"{node.Id}\"><dc:Bounds x=\"{x}\" y=\"{120 - height / 2}\" width=\"{node.Width}\" height=\"{height}\" /></bpmndi:BPMNShape>");
            if (i == 0) continue;
            var flow = $"Flow_{i}";
            process.AppendLine($"<bpmn:sequenceFlow id=\"{flow}\" sourceRef=\"{nodes[i - 1].Id}\" targetRef=\"{node.Id}\" />");
            diagram.AppendLine($"<bpmndi:BPMNEdge id=\"{flow}_di\" bpmnElement=\"{flow}\"><di:waypoint x=\"{x - 200 + nodes[i - 1].Width}\" y=\"120\" /><di:waypoint x=\"{x}\" y=\"120\" /></bpmndi:BPMNEdge>");
        }
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
              xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
              xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_{key}" targetNamespace="http://plie.test/bpmn">
            <bpmn:process id="{key}" name="{name}" isExecutable="true">
            {process}</bpmn:process>
            <bpmndi:BPMNDiagram id="Diagram_{key}"><bpmndi:BPMNPlane id="Plane_{key}" bpmnElement="{key}">
            {diagram}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
            </bpmn:definitions>
            """;
    }
}
