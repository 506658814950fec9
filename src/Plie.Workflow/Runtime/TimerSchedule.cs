using System.Text.Json.Nodes;
using Plie.Workflow.Expressions;
using Plie.Workflow.Model;

namespace Plie.Workflow.Runtime;

internal static class TimerSchedule
{
    /// <summary>The first due time of a timer, and for a cycle the repetitions left after it (-1: forever) and the interval.</summary>
    public static (DateTimeOffset Due, int? RepeatsLeft, string? Interval) First(TimerDefinition timer, DateTimeOffset now,
        IReadOnlyDictionary<string, JsonNode?> variables)
    {
        var text = ScriptEvaluator.IsExpression(timer.Expression)
            ? VariableValues.AsString(ScriptEvaluator.EvaluateAttribute(timer.Expression, variables)) ?? ""
            : timer.Expression;
        switch (timer.Kind)
        {
            case TimerKind.Duration:
                return IsoTime.TryParseDuration(text, out var d) ? (d.AddTo(now), null, null)
                    : throw new WorkflowException($"Durée de minuterie illisible « {text} ».");
            case TimerKind.Date:
                return IsoTime.TryParseDate(text, out var date) ? (date, null, null)
                    : throw new WorkflowException($"Date de minuterie illisible « {text} ».");
            default:
                if (!IsoTime.TryParseCycle(text, out var cycle))
                    throw new WorkflowException($"Cycle de minuterie illisible « {text} ».");
                var interval = text.Split('/')[^1];
                var due = cycle.Start is { } start && start > now ? start : cycle.Interval.AddTo(cycle.Start is { } s0 && s0 <= now ? Later(s0, cycle.Interval, now) : now);
                return (due, cycle.Repetitions is { } r ? r - 1 : -1, interval);
        }
    }

    /// <summary>The last occurrence of a cycle at or before now (for a cycle whose start is in the past).</summary>
    private static DateTimeOffset Later(DateTimeOffset start, IsoTime.Duration interval, DateTimeOffset now)
    {
        var t = start;
        for (var i = 0; i < 100_000 && interval.AddTo(t) <= now; i++) t = interval.AddTo(t);
        return t;
    }

    public static DateTimeOffset Next(DateTimeOffset previousDue, string interval) =>
        IsoTime.TryParseDuration(interval, out var d) ? d.AddTo(previousDue)
            : throw new WorkflowException($"Intervalle de cycle illisible « {interval} ».");
}
