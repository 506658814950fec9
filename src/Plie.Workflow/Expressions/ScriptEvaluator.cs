using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;

namespace Plie.Workflow.Expressions;

/// <summary>
/// Evaluates conditions and attribute expressions as JavaScript with Jint, sandboxed: no CLR access, a time limit,
/// a memory limit, a recursion limit and a statement limit. Process variables are globals.
/// <para>
/// Camunda models write expressions as <c>${…}</c> (JUEL); the body of such an expression is read as JavaScript, with
/// JUEL's word operators (and, or, not, eq, ne, lt, gt, le, ge) translated outside string literals.
/// </para>
/// </summary>
public static partial class ScriptEvaluator
{
    private static readonly ConcurrentDictionary<string, Prepared<Acornima.Ast.Script>> Prepared = new();

    public static TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
    public const long MemoryLimitBytes = 16 * 1024 * 1024;
    public const int RecursionLimit = 64;
    public const int StatementLimit = 100_000;

    /// <summary>True for a <c>${…}</c> or <c>#{…}</c> expression.</summary>
    public static bool IsExpression(string? text) =>
        text is not null && text.Length >= 3 && (text.StartsWith("${", StringComparison.Ordinal) || text.StartsWith("#{", StringComparison.Ordinal))
        && text.EndsWith('}');

    /// <summary>The JavaScript of an expression or a script: the body of ${…} with JUEL operators translated, or the text itself.</summary>
    public static string ToJavaScript(string text)
    {
        if (!IsExpression(text)) return text.Trim();
        var body = text[2..^1];
        return JuelOperators().Replace(body, m => m.Groups["string"].Success ? m.Value : m.Value switch
        {
            "and" => "&&",
            "or" => "||",
            "not" => "!",
            "eq" => "==",
            "ne" => "!=",
            "lt" => "<",
            "gt" => ">",
            "le" => "<=",
            "ge" => ">=",
            _ => m.Value,
        }).Trim();
    }

    /// <summary>A JUEL word operator, or a string literal (matched so that the words inside it are left alone).</summary>
    [GeneratedRegex(@"(?<string>'(?:[^'\\]|\\.)*'|""(?:[^""\\]|\\.)*"")|(?<![\w.$])\b(and|or|not|eq|ne|lt|gt|le|ge)\b(?![\w$])")]
    private static partial Regex JuelOperators();

    /// <summary>Null if the JavaScript parses, else the parser's message.</summary>
    public static string? SyntaxError(string javaScript)
    {
        try
        {
            Prepare(javaScript);
            return null;
        }
        catch (ScriptPreparationException e)
        {
            return PreparationError(e);
        }
        catch (Exception e) when (e is Acornima.ParseErrorException or JavaScriptException or ArgumentException)
        {
            return e.Message;
        }
    }

    /// <summary>Jint wraps the parser's error (or the parser running out of stack on a deeply nested text).</summary>
    private static string PreparationError(ScriptPreparationException e) => e.InnerException switch
    {
        InsufficientExecutionStackException => "l'expression est trop imbriquée.",
        { } inner => inner.Message,
        null => e.Message,
    };

    public static bool EvaluateCondition(string javaScript, IReadOnlyDictionary<string, JsonNode?> variables) =>
        TypeConverter.ToBoolean(Run(javaScript, variables));

    /// <summary>Evaluates and converts the result to JSON (undefined becomes null).</summary>
    public static JsonNode? Evaluate(string javaScript, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        var result = Run(javaScript, variables, out var engine);
        if (result.IsUndefined() || result.IsNull()) return null;
        if (result is JsDate date) return JsonValue.Create(date.ToDateTime().ToUniversalTime().ToString("O"));
        var json = new JsonSerializer(engine).Serialize(result, JsValue.Undefined, JsValue.Undefined);
        return json.IsUndefined() ? null : JsonNode.Parse(json.AsString());
    }

    /// <summary>An attribute value: a <c>${…}</c> expression is evaluated, anything else is returned as text.</summary>
    public static JsonNode? EvaluateAttribute(string text, IReadOnlyDictionary<string, JsonNode?> variables) =>
        IsExpression(text) ? Evaluate(ToJavaScript(text), variables) : JsonValue.Create(text);

    private static JsValue Run(string javaScript, IReadOnlyDictionary<string, JsonNode?> variables) =>
        Run(javaScript, variables, out _);

    private static JsValue Run(string javaScript, IReadOnlyDictionary<string, JsonNode?> variables, out Engine engine)
    {
        Prepared<Acornima.Ast.Script> script;
        try
        {
            script = Prepare(javaScript);
        }
        catch (ScriptPreparationException e)
        {
            throw new WorkflowException($"L'expression « {javaScript} » ne se lit pas : {PreparationError(e)}", e);
        }
        engine = new Engine(o => o
            .Strict()
            .TimeoutInterval(Timeout)
            .LimitMemory(MemoryLimitBytes)
            .LimitRecursion(RecursionLimit)
            .MaxStatements(StatementLimit)
            .DisableStringCompilation());
        var parser = new JsonParser(engine);
        foreach (var (name, value) in variables)
            engine.SetValue(name, value is null ? JsValue.Null : parser.Parse(value.ToJsonString()));
        try
        {
            return engine.Evaluate(script);
        }
        catch (Exception e) when (e is JavaScriptException or StatementsCountOverflowException or MemoryLimitExceededException
                                      or TimeoutException or RecursionDepthOverflowException or ExecutionCanceledException)
        {
            throw new WorkflowException($"L'expression « {javaScript} » a échoué : {e.Message}", e);
        }
    }

    private static Prepared<Acornima.Ast.Script> Prepare(string javaScript) =>
        Prepared.GetOrAdd(javaScript, static js => Engine.PrepareScript(js, strict: true));
}
