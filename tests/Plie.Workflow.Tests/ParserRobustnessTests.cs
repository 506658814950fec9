using System.Text;
using System.Xml.Linq;
using Plie.Workflow.Model;
using Plie.Workflow.Parsing;

namespace Plie.Workflow.Tests;

/// <summary>Whatever is uploaded, the parser and the deploy check answer with errors or a model, never an exception.</summary>
public class ParserRobustnessTests
{
    public static TheoryData<string?, string> Garbage => new()
    {
        { null, "vide" },
        { "", "vide" },
        { "  \r\n\t ", "vide" },
        { "Ceci n'est pas un modèle BPMN.", "XML invalide" },
        { "<html><head><title>Plie</title></head><body><p>Bonjour</p><br></body></html>", "XML invalide" },
        { "<html><body><p>Bonjour</p></body></html>", "bpmn:definitions" },
        { "<!DOCTYPE html><html><body></body></html>", "XML invalide" },
        { """{ "definitions": { "process": { "id": "p", "isExecutable": true } } }""", "XML invalide" },
        { "<?xml version=\"1.0\"?>", "XML invalide" },
        { "<bpmn:definitions>", "XML invalide" },
        { "<definitions xmlns=\"urn:pas-bpmn\"><process id=\"p\" isExecutable=\"true\" /></definitions>", "bpmn:definitions" },
        { "<definitions><process id=\"p\" /></definitions>", "bpmn:definitions" },
        { "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" />", "Aucun processus exécutable" },
        { "\0\u0001\u0002binaire", "XML invalide" },
        { "<a>" + new string('x', 10) + "</b>", "XML invalide" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_IsRefusedWithAMessage(string? input, string expected)
    {
        var parsed = BpmnParser.Parse(input);
        var validated = Bpmn.Validator().Validate(input);

        foreach (var result in new[] { parsed, validated })
        {
            Assert.Null(result.Model);
            var error = Assert.Single(result.Errors);
            Assert.Null(error.ElementId);
            Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void InvalidXml_MessageGivesTheLine()
    {
        var result = BpmnParser.Parse("<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<bpmn:process id=\"p\">\n<oops\n</bpmn:definitions>");

        Bpmn.Refused(result, null, "XML invalide", "ligne 4");
    }

    [Fact]
    public void TruncatedModel_IsRefused()
    {
        var result = Bpmn.Validate(Bpmn.Rich[..(Bpmn.Rich.Length / 2)]);

        Bpmn.Refused(result, null, "XML invalide");
    }

    [Fact]
    public void ExternalEntity_IsRefusedNotResolved()
    {
        var secretFile = Path.Combine(Path.GetTempPath(), $"plie-xxe-{Guid.NewGuid():N}.txt");
        File.WriteAllText(secretFile, "SECRET-XXE-CONTENT");
        try
        {
            var xml = $"""
                <?xml version="1.0"?>
                <!DOCTYPE bpmn:definitions [ <!ENTITY xxe SYSTEM "{new Uri(secretFile).AbsoluteUri}"> ]>
                <bpmn:definitions {Bpmn.Namespaces}>
                  <bpmn:process id="p" name="&xxe;" isExecutable="true"><bpmn:startEvent id="s" /></bpmn:process>
                </bpmn:definitions>
                """;

            var result = Bpmn.Validate(xml);

            var error = Bpmn.Refused(result, null, "XML invalide", "DTD");
            Assert.DoesNotContain("SECRET-XXE-CONTENT", error.Message);
        }
        finally
        {
            File.Delete(secretFile);
        }
    }

    [Fact]
    public void EntityExpansion_BillionLaughs_IsRefused()
    {
        var xml = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
            ]>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="&lol5;" /></bpmn:definitions>
            """;

        Bpmn.Refused(BpmnParser.Parse(xml), null, "XML invalide", "DTD");
    }

    [Fact]
    public void FiveThousandTasks_Parse()
    {
        const int count = 5000;
        var body = new StringBuilder("""<bpmn:startEvent id="start" /><bpmn:endEvent id="end" />""");
        var previous = "start";
        for (var i = 0; i < count; i++)
        {
            body.Append($"""<bpmn:userTask id="t{i}" name="Étape {i}" camunda:candidateGroups="conseillers" />""");
            body.Append($"""<bpmn:sequenceFlow id="f{i}" sourceRef="{previous}" targetRef="t{i}" />""");
            previous = $"t{i}";
        }
        body.Append($"""<bpmn:sequenceFlow id="last" sourceRef="{previous}" targetRef="end" />""");

        var model = Bpmn.Valid(Bpmn.Process(body.ToString()));

        Assert.Equal(count + 2, model.Nodes.Count);
        Assert.Equal(count + 1, model.Flows.Count);
        Assert.Equal("t4999", Assert.Single(model.Node("end").Incoming).Source.Id);
    }

    /// <summary>start → sub0 → end, sub0 holding start → sub1 → end, … the innermost holding a user task.</summary>
    private static string Nested(int levels)
    {
        var inner = """<bpmn:userTask id="deepest" name="Au fond" />""";
        var innerId = "deepest";
        for (var i = levels - 1; i >= 0; i--)
        {
            inner = $"""
                <bpmn:subProcess id="sub{i}"><bpmn:startEvent id="s{i}" />{inner}<bpmn:endEvent id="e{i}" /><bpmn:sequenceFlow id="a{i}" sourceRef="s{i}" targetRef="{innerId}" /><bpmn:sequenceFlow id="b{i}" sourceRef="{innerId}" targetRef="e{i}" /></bpmn:subProcess>
                """;
            innerId = $"sub{i}";
        }
        return Bpmn.Around(inner, innerId);
    }

    [Fact]
    public void FiftyNestedSubProcesses_Parse()
    {
        var model = Bpmn.Valid(Nested(50));

        var owners = new List<string>();
        for (var scope = model.Node("deepest").Scope; scope.Owner is { } owner; scope = owner.Scope)
            owners.Add(owner.Id);
        Assert.Equal(Enumerable.Range(0, 50).Reverse().Select(i => $"sub{i}"), owners);
    }

    [Fact]
    public void SubProcessesNestedAtTheLimit_Parse()
    {
        Bpmn.Valid(Nested(BpmnParser.MaxSubProcessDepth));
    }

    [Fact]
    public void SubProcessesNestedBeyondTheLimit_AreRefused()
    {
        var result = Bpmn.Validate(Nested(BpmnParser.MaxSubProcessDepth + 1));

        Bpmn.Refused(result, $"sub{BpmnParser.MaxSubProcessDepth}", "imbriqués trop profondément");
    }

    [Fact]
    public void TwentyThousandNestedSubProcesses_AreRefusedWithoutExhaustingTheStack()
    {
        var xml = new StringBuilder();
        for (var i = 0; i < 20_000; i++) xml.Append($"<bpmn:subProcess id=\"s{i}\">");
        for (var i = 0; i < 20_000; i++) xml.Append("</bpmn:subProcess>");

        var result = Bpmn.Validate(Bpmn.Process(xml.ToString()));

        Bpmn.Refused(result, $"s{BpmnParser.MaxSubProcessDepth}", "imbriqués trop profondément");
    }

    [Fact]
    public void DeeplyNestedCondition_IsRefusedWithoutThrowing()
    {
        var condition = new string('(', 50_000) + "ok" + new string(')', 50_000);

        var result = Bpmn.Validate(Bpmn.Around($"""
            {Bpmn.UserTask}
            <bpmn:endEvent id="other" />
            <bpmn:sequenceFlow id="cond" sourceRef="task" targetRef="other"><bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
            """));

        Bpmn.Refused(result, "cond", "condition", "ne se lit pas");
    }

    private static readonly string[] Junk = ["<", ">", "&", "\"", "'", "]]>", "${", "}", "<!--", "\0", "é", "<bpmn:task id=\"x\"/>", "&amp;", "xmlns=\"\""];

    [Fact]
    public void RandomMutationsOfAValidModel_NeverThrow()
    {
        var random = new Random(20260101);
        var validator = Bpmn.Validator();
        int models = 0, refusals = 0;
        var outcomes = new HashSet<string>();
        for (var round = 0; round < 500; round++)
        {
            var xml = Bpmn.Rich;
            var mutations = new List<string>();
            for (var m = random.Next(1, 4); m > 0; m--)
                xml = Mutate(xml, random, mutations);

            ParseResult result;
            try
            {
                result = validator.Validate(xml);
            }
            catch (Exception e)
            {
                Assert.Fail($"Tour {round} ({string.Join(", ", mutations)}) : {e.GetType().Name} {e.Message}\n{xml}");
                throw;
            }

            Assert.True((result.Model is null) == (result.Errors.Count > 0),
                $"Tour {round} ({string.Join(", ", mutations)}) : un modèle et des erreurs, ou ni l'un ni l'autre.");
            Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
            if (result.Model is null) refusals++;
            else models++;
            foreach (var e in result.Errors) outcomes.Add(e.Message.Split(' ')[0]);
        }

        // The mutations must exercise both sides, and more than one kind of refusal.
        Assert.True(models >= 10, $"{models} modèles acceptés");
        Assert.True(refusals >= 100, $"{refusals} modèles refusés");
        Assert.True(outcomes.Count >= 10, $"sortes d'erreurs : {string.Join(", ", outcomes)}");
    }

    private static string Mutate(string xml, Random random, List<string> log)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Parse(xml);
        }
        catch (System.Xml.XmlException)
        {
            doc = null!;
        }
        var kind = doc is null ? random.Next(5, 8) : random.Next(0, 8);
        var elements = doc?.Root!.Descendants().ToList() ?? [];
        var attributes = elements.SelectMany(e => e.Attributes()).Where(a => !a.IsNamespaceDeclaration).ToList();
        switch (kind)
        {
            case 0 when elements.Count > 0:
            {
                var e = elements[random.Next(elements.Count)];
                log.Add($"supprime <{e.Name.LocalName} id={(string?)e.Attribute("id")}>");
                e.Remove();
                return doc!.ToString();
            }
            case 1 when elements.Count > 0:
            {
                var e = elements[random.Next(elements.Count)];
                log.Add($"double <{e.Name.LocalName} id={(string?)e.Attribute("id")}>");
                e.AddAfterSelf(new XElement(e));
                return doc!.ToString();
            }
            case 2 when attributes.Count > 0:
            {
                var a = attributes[random.Next(attributes.Count)];
                log.Add($"supprime @{a.Name.LocalName} de {(string?)a.Parent!.Attribute("id")}");
                a.Remove();
                return doc!.ToString();
            }
            case 3 when attributes.Count > 1:
            {
                var a = attributes[random.Next(attributes.Count)];
                var other = attributes[random.Next(attributes.Count)];
                log.Add($"@{a.Name.LocalName} de {(string?)a.Parent!.Attribute("id")} = « {other.Value} »");
                a.Value = other.Value;
                return doc!.ToString();
            }
            case 4 when elements.Count > 0:
            {
                var e = elements[random.Next(elements.Count)];
                var text = e.DescendantNodes().OfType<XText>().FirstOrDefault();
                if (text is null) goto default;
                var junk = Junk[random.Next(Junk.Length)];
                if (junk.Contains('\0')) goto default; // XDocument cannot write it; inserted in the text instead
                log.Add($"texte de <{e.Name.LocalName}> + « {junk} »");
                text.Value = text.Value.Insert(random.Next(text.Value.Length + 1), junk);
                return doc!.ToString();
            }
            case 5:
            {
                // duplicate an attribute in the text: the XML is then malformed
                var at = xml.IndexOf("=\"", random.Next(xml.Length), StringComparison.Ordinal);
                if (at < 0) goto default;
                var nameStart = xml.LastIndexOf(' ', at) + 1;
                var valueEnd = xml.IndexOf('"', at + 2) + 1;
                var attribute = xml[nameStart..valueEnd];
                log.Add($"attribut en double {attribute}");
                return xml.Insert(valueEnd, " " + attribute);
            }
            case 6:
            {
                var at = random.Next(xml.Length);
                log.Add($"tronque à {at}");
                return xml[..at];
            }
            default:
            {
                var at = random.Next(xml.Length + 1);
                var junk = Junk[random.Next(Junk.Length)];
                log.Add($"insère « {junk} » à {at}");
                return xml.Insert(at, junk);
            }
        }
    }
}
