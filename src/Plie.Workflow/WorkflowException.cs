namespace Plie.Workflow;

/// <summary>The engine refused an operation or met a model it cannot run. Its message is meant for people.</summary>
public class WorkflowException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The thing asked for does not exist (a task, an instance, a definition…).</summary>
public sealed class WorkflowNotFoundException(string message) : WorkflowException(message);

/// <summary>Somebody else got there first: the task is already completed, the instance already ended…</summary>
public sealed class WorkflowConflictException(string message) : WorkflowException(message);

/// <summary>
/// Thrown by a service-task handler to raise a BPMN error: it is caught by a matching error boundary event
/// on the service task (or an enclosing sub-process), instead of counting as a technical failure.
/// </summary>
public sealed class BpmnErrorException(string errorCode, string? message = null)
    : Exception(message ?? $"BPMN error '{errorCode}'")
{
    public string ErrorCode { get; } = errorCode;
}

/// <summary>
/// An instance cannot move to another version: <see cref="Reasons"/> names each element where it stands that the target
/// lacks (or has with another type or in another scope).
/// </summary>
public sealed class WorkflowMigrationRefusedException(IReadOnlyList<string> reasons)
    : WorkflowException("Migration impossible : " + string.Join(" ; ", reasons))
{
    public IReadOnlyList<string> Reasons { get; } = reasons;
}
