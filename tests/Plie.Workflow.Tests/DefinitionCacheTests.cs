using Moq;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Workflow.Tests;

/// <summary>Definitions are read from the store and parsed once: a version never changes.</summary>
public class DefinitionCacheTests
{
    private const string Xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
          <bpmn:process id="p" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    private static ProcessDefinitionRecord Definition() => new()
    {
        Id = Guid.NewGuid(), Key = "p", Version = 3, Name = "P", Xml = Xml, Hash = "h",
        DeployedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), DeployedBy = "admin",
    };

    [Fact]
    public async Task GetAsync_reads_the_store_once_and_hands_out_its_own_copy()
    {
        var stored = Definition();
        var store = new Mock<IWorkflowStore>(MockBehavior.Strict);
        store.Setup(s => s.GetDefinitionAsync(stored.Id, It.IsAny<CancellationToken>())).ReturnsAsync(stored);
        var cache = new DefinitionCache();

        var first = await cache.GetAsync(stored.Id, store.Object, CancellationToken.None);
        var second = await cache.GetAsync(stored.Id, store.Object, CancellationToken.None);

        store.Verify(s => s.GetDefinitionAsync(stored.Id, It.IsAny<CancellationToken>()), Times.Once);
        Assert.NotNull(first);
        Assert.NotSame(stored, first.Value.Definition); // the store's record may be tracked by its unit of work
        Assert.Same(first.Value.Definition, second!.Value.Definition);
        Assert.Same(first.Value.Model, second.Value.Model);
        Assert.Equal((stored.Id, "p", 3, "h"), (first.Value.Definition.Id, first.Value.Definition.Key,
            first.Value.Definition.Version, first.Value.Definition.Hash));
        Assert.Equal("p", first.Value.Model.Id);
        Assert.Same(first.Value.Model, cache.Get(stored));
    }

    [Fact]
    public async Task GetAsync_uses_a_model_parsed_by_Get_and_does_not_remember_a_missing_definition()
    {
        var known = Definition();
        var missing = Guid.NewGuid();
        var store = new Mock<IWorkflowStore>(MockBehavior.Strict);
        store.Setup(s => s.GetDefinitionAsync(missing, It.IsAny<CancellationToken>())).ReturnsAsync((ProcessDefinitionRecord?)null);
        var cache = new DefinitionCache();
        var model = cache.Get(known);

        Assert.Same(model, (await cache.GetAsync(known.Id, store.Object, CancellationToken.None))!.Value.Model);
        Assert.Null(await cache.GetAsync(missing, store.Object, CancellationToken.None));
        Assert.Null(await cache.GetAsync(missing, store.Object, CancellationToken.None));
        store.Verify(s => s.GetDefinitionAsync(missing, It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task GetLatestAsync_looks_up_the_latest_id_and_takes_the_rest_from_the_cache()
    {
        var latest = Definition();
        var store = new Mock<IWorkflowStore>(MockBehavior.Strict);
        store.Setup(s => s.FindLatestDefinitionIdAsync("p", It.IsAny<CancellationToken>())).ReturnsAsync(latest.Id);
        store.Setup(s => s.FindLatestDefinitionIdAsync("none", It.IsAny<CancellationToken>())).ReturnsAsync((Guid?)null);
        store.Setup(s => s.GetDefinitionAsync(latest.Id, It.IsAny<CancellationToken>())).ReturnsAsync(latest);
        var cache = new DefinitionCache();

        var first = await cache.GetLatestAsync("p", store.Object, CancellationToken.None);
        var second = await cache.GetLatestAsync("p", store.Object, CancellationToken.None);

        Assert.Equal(latest.Id, first!.Value.Definition.Id);
        Assert.Same(first.Value.Model, second!.Value.Model);
        store.Verify(s => s.FindLatestDefinitionIdAsync("p", It.IsAny<CancellationToken>()), Times.Exactly(2)); // a new version may be deployed
        store.Verify(s => s.GetDefinitionAsync(latest.Id, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Null(await cache.GetLatestAsync("none", store.Object, CancellationToken.None));
    }
}
