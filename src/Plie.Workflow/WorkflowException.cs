namespace Plie.Workflow;

/// <summary>The engine refused an operation or met a model it cannot run. Its message is meant for people.</summary>
public class WorkflowException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The thing asked for does not exist (a task, an instance, a definition…).</summary>
public sealed class WorkflowNotFoundException(string message) : WorkflowException(message);

/// <summary>Somebody else got there first: the task is already completed, the instance already ended…</summary>
public class WorkflowConflictException(string message, Exception? inner = null) : WorkflowException(message, inner);

/// <summary>
/// A step read an instance that another step changed before it could write: its writes were refused, none was kept.
/// The engine runs such a step again on what is there now (see <see cref="Ports.IWorkflowStore.BeginStepAsync"/>), so
/// callers only see it when the instance kept changing under every attempt.
/// </summary>
public sealed class WorkflowStaleStateException(Exception inner)
    : WorkflowConflictException("Quelqu'un d'autre vient de faire avancer ce dossier en même temps : rechargez la page et réessayez.", inner);

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
