using System.Diagnostics;
using System.Text.Json.Nodes;
using Plie.Workflow.Expressions;

namespace Plie.Workflow.Tests;

/// <summary>Conditions and expressions run as sandboxed JavaScript over the process variables.</summary>
public class ScriptEvaluatorTests
{
    private static Dictionary<string, JsonNode?> Vars(params (string Name, JsonNode? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    private static bool Condition(string text, params (string Name, JsonNode? Value)[] values) =>
        ScriptEvaluator.EvaluateCondition(ScriptEvaluator.ToJavaScript(text), Vars(values));

    // --- Conditions over variables ------------------------------------------------------------------------------

    [Theory]
    [InlineData(150, true)]
    [InlineData(100, false)]
    [InlineData(99.5, false)]
    public void Condition_OverANumber(double montant, bool expected)
    {
        Assert.Equal(expected, Condition("${montant > 100}", ("montant", montant)));
        Assert.Equal(expected, Condition("montant > 100", ("montant", montant)));
    }

    [Theory]
    [InlineData("valide", true)]
    [InlineData("Valide", false)]
    [InlineData("", false)]
    public void Condition_OverAString(string statut, bool expected)
    {
        Assert.Equal(expected, Condition("${statut == 'valide'}", ("statut", statut)));
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    public void Condition_OverBooleans(bool eligible, bool bloque, bool expected)
    {
        Assert.Equal(expected, Condition("${eligible and not bloque}", ("eligible", eligible), ("bloque", bloque)));
    }

    [Fact]
    public void Condition_OverObjectsAndArrays()
    {
        var participant = JsonNode.Parse("""{ "age": 24, "adresse": { "commune": "Roubaix" }, "dispositifs": ["rsa", "qpv"] }""");

        Assert.True(Condition("${participant.age lt 26 and participant.adresse.commune eq 'Roubaix'}", ("participant", participant)));
        Assert.True(Condition("participant.dispositifs.includes('qpv') && participant.dispositifs.length === 2", ("participant", participant)));
        Assert.False(Condition("participant.dispositifs.some(d => d === 'ase')", ("participant", participant)));
    }

    [Fact]
    public void Condition_OverANullVariable()
    {
        Assert.True(Condition("${referent == null}", ("referent", null)));
        Assert.False(Condition("!!referent", ("referent", null)));
    }

    [Fact]
    public void Condition_ResultIsConvertedToBoolean()
    {
        Assert.True(Condition("nom", ("nom", "Dupont")));
        Assert.False(Condition("nom", ("nom", "")));
        Assert.False(Condition("0"));
    }

    [Fact]
    public void Evaluate_ReturnsJson()
    {
        var vars = Vars(("montant", 1200), ("nom", "Dupont"));

        Assert.Equal(1300, ScriptEvaluator.Evaluate("montant + 100", vars)!.GetValue<int>());
        Assert.Equal("""{"nom":"Dupont","gros":true,"liste":[1,2]}""",
            ScriptEvaluator.Evaluate("({ nom: nom, gros: montant > 1000, liste: [1, 2] })", vars)!.ToJsonString());
        Assert.Null(ScriptEvaluator.Evaluate("undefined", vars));
        Assert.Null(ScriptEvaluator.Evaluate("null", vars));
        Assert.Equal("2026-01-31T09:00:00.0000000Z", ScriptEvaluator.Evaluate("new Date(Date.UTC(2026, 0, 31, 9))", vars)!.GetValue<string>());
    }

    [Fact]
    public void EvaluateAttribute_LiteralOrExpression()
    {
        var vars = Vars(("groupe", "conseillers"));

        Assert.Equal("conseillers", ScriptEvaluator.EvaluateAttribute("conseillers", vars)!.GetValue<string>());
        Assert.Equal("conseillers-lille", ScriptEvaluator.EvaluateAttribute("${groupe + '-lille'}", vars)!.GetValue<string>());
        Assert.Equal("Bonjour ${groupe}", ScriptEvaluator.EvaluateAttribute("Bonjour ${groupe}", vars)!.GetValue<string>());
    }

    [Fact]
    public void Evaluate_DoesNotChangeTheVariablesGiven()
    {
        var participant = JsonNode.Parse("""{ "age": 24 }""");

        Assert.Equal(99, ScriptEvaluator.Evaluate("participant.age = 99; participant.age", Vars(("participant", participant)))!.GetValue<int>());
        Assert.Equal(24, participant!["age"]!.GetValue<int>());
    }

    [Fact]
    public void Evaluations_DoNotShareGlobals()
    {
        ScriptEvaluator.Evaluate("var fuite = 1; fuite", Vars());

        Assert.Equal("undefined", ScriptEvaluator.Evaluate("typeof fuite", Vars())!.GetValue<string>());
    }

    // --- JUEL ---------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("${a > 1 and not b}", "a > 1 && ! b")]
    [InlineData("${a eq 1 or b ne 2}", "a == 1 || b != 2")]
    [InlineData("${a lt 1 and b gt 2 and c le 3 and d ge 4}", "a < 1 && b > 2 && c <= 3 && d >= 4")]
    [InlineData("${orders gt 0 and notes ne ''}", "orders > 0 && notes != ''")]
    [InlineData("${dossier.or == 1}", "dossier.or == 1")]
    [InlineData("#{ok and pret}", "ok && pret")]
    [InlineData("${ montant > 100 }", "montant > 100")]
    public void Juel_OperatorsAreTranslated(string juel, string javaScript)
    {
        Assert.Equal(javaScript, ScriptEvaluator.ToJavaScript(juel));
    }

    [Theory]
    [InlineData("${statut eq 'rock and roll' or n gt 3}", "statut == 'rock and roll' || n > 3")]
    [InlineData("${nom == \"Dupont or Durand\"}", "nom == \"Dupont or Durand\"")]
    [InlineData("${avis ne 'not bad' and x le 2}", "avis != 'not bad' && x <= 2")]
    [InlineData("${motif == 'l\\'accord and co' and ok}", "motif == 'l\\'accord and co' && ok")]
    [InlineData("${a == 'and' or b == 'or'}", "a == 'and' || b == 'or'")]
    public void Juel_StringLiteralsAreLeftAlone(string juel, string javaScript)
    {
        Assert.Equal(javaScript, ScriptEvaluator.ToJavaScript(juel));
    }

    [Fact]
    public void Juel_ConditionWithAndInsideAString_ComparesTheRealString()
    {
        Assert.True(Condition("${orientation eq 'emploi and formation'}", ("orientation", "emploi and formation")));
        Assert.False(Condition("${orientation eq 'emploi and formation'}", ("orientation", "emploi")));
    }

    [Fact]
    public void PlainJavaScript_IsNotTranslated()
    {
        Assert.Equal("a and b", ScriptEvaluator.ToJavaScript("  a and b "));
    }

    [Theory]
    [InlineData("${x}", true)]
    [InlineData("#{x}", true)]
    [InlineData("Bonjour ${nom}", false)]
    [InlineData("${x", false)]
    [InlineData("x", false)]
    [InlineData(null, false)]
    public void IsExpression(string? text, bool expected)
    {
        Assert.Equal(expected, ScriptEvaluator.IsExpression(text));
    }

    // --- Sandbox ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("while (true) {}")]
    [InlineData("for (;;) { var x = 1; }")]
    [InlineData("do { } while (1 > 0)")]
    public void InfiniteLoop_FailsQuickly(string script)
    {
        var watch = Stopwatch.StartNew();

        var e = Assert.Throws<WorkflowException>(() => ScriptEvaluator.Evaluate(script, Vars()));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{watch.Elapsed}");
        Assert.Contains("a échoué", e.Message);
    }

    [Fact]
    public void DeepRecursion_Fails()
    {
        var e = Assert.Throws<WorkflowException>(() => ScriptEvaluator.Evaluate("function f(n) { return f(n + 1) + 1; } f(0)", Vars()));

        Assert.Contains("a échoué", e.Message);
    }

    [Fact]
    public void HugeArray_FailsOnTheMemoryLimit()
    {
        var e = Assert.Throws<WorkflowException>(() => ScriptEvaluator.Evaluate("var a = new Array(100000000).fill(1); a.length", Vars()));

        Assert.Contains("limited", e.Message);
    }

    [Fact]
    public void GrowingAllocation_Fails()
    {
        Assert.Throws<WorkflowException>(() => ScriptEvaluator.Evaluate("var a = []; while (true) a.push('x'.repeat(100000));", Vars()));
    }

    [Theory]
    [InlineData("System")]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd')")]
    [InlineData("importNamespace('System.IO')")]
    [InlineData("require('fs')")]
    [InlineData("process.exit(1)")]
    public void NoClrOrHostAccess(string script)
    {
        var e = Assert.Throws<WorkflowException>(() => ScriptEvaluator.Evaluate(script, Vars()));

        Assert.Contains("is not defined", e.Message);
    }

    [Theory]
    [InlineData("System")]
    [InlineData("importNamespace")]
    [InlineData("require")]
    [InlineData("fetch")]
    public void HostObjects_AreUndefined(string name)
    {
        Assert.Equal("undefined", ScriptEvaluator.Evaluate($"typeof {name}", Vars())!.GetValue<string>());
    }

    [Theory]
    [InlineData("eval('1 + 1')")]
    [InlineData("Function('return 1')()")]
    public void StringCompilation_IsDisabled(string script)
    {
        Assert.Throws<WorkflowException>(() => ScriptEvaluator.Evaluate(script, Vars()));
    }

    [Fact]
    public void UnknownVariable_FailsWithAFrenchMessageNamingIt()
    {
        var e = Assert.Throws<WorkflowException>(() => Condition("${montant gt 100}", ("montnat", 150)));

        Assert.Contains("L'expression « montant > 100 » a échoué", e.Message);
        Assert.Contains("montant", e.Message[e.Message.IndexOf("échoué", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void ThrownError_BecomesAWorkflowException()
    {
        var e = Assert.Throws<WorkflowException>(() => ScriptEvaluator.Evaluate("throw new Error('refusé')", Vars()));

        Assert.Contains("refusé", e.Message);
    }

    [Fact]
    public void UnparsableScript_FailsWithAWorkflowException()
    {
        var e = Assert.Throws<WorkflowException>(() => ScriptEvaluator.Evaluate("montant >", Vars(("montant", 1))));

        Assert.Contains("ne se lit pas", e.Message);
    }

    // --- Syntax check -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("montant >")]
    [InlineData("if (x) {")]
    [InlineData("a b")]
    [InlineData("'non fermé")]
    [InlineData("with (x) { y }")] // not allowed in strict mode
    public void SyntaxError_BadJavaScript_ReturnsAMessage(string script)
    {
        var message = ScriptEvaluator.SyntaxError(script);

        Assert.False(string.IsNullOrWhiteSpace(message));
    }

    [Theory]
    [InlineData("montant > 100 && !bloque")]
    [InlineData("participant.dispositifs.includes('rsa')")]
    [InlineData("(() => { let n = 0; for (const x of items) n += x; return n; })() > 3")]
    [InlineData("")]
    public void SyntaxError_GoodJavaScript_ReturnsNull(string script)
    {
        Assert.Null(ScriptEvaluator.SyntaxError(script));
    }

    [Fact]
    public void SyntaxError_DeeplyNested_ReturnsAMessage()
    {
        var message = ScriptEvaluator.SyntaxError(new string('[', 100_000) + new string(']', 100_000));

        Assert.Equal("l'expression est trop imbriquée.", message);
    }
}
