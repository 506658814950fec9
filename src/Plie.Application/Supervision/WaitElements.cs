using Plie.Workflow.Model;

namespace Plie.Application.Supervision;

/// <summary>
/// Where a case can wait, as supervision counts it: a task, a catch event, a gateway (a join), a called process. Not the
/// events a token only passes (start, end, boundary), nor an embedded sub-process, whose own token waits while the case
/// moves inside it: its cases are counted where they wait inside it.
/// </summary>
internal static class WaitElements
{
    public static bool CanWait(FlowNode node) => node is not (StartEvent or EndEvent or BoundaryEvent or SubProcess);
}
