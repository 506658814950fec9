namespace Plie.Workflow;

public sealed class WorkflowOptions
{
    /// <summary>Tries of a failing job when the model sets no camunda:failedJobRetryTimeCycle.</summary>
    public int DefaultRetries { get; set; } = 3;
    /// <summary>Wait before the second try; doubled for each further try (when the model sets no cycle).</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long a worker owns an acquired job; after that another worker may take it (its worker died).</summary>
    public TimeSpan JobLockDuration { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>How often the job runner looks for due jobs when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Jobs acquired per poll.</summary>
    public int JobBatchSize { get; set; } = 16;
    /// <summary>Jobs the runner executes at the same time.</summary>
    public int JobConcurrency { get; set; } = 2;
    /// <summary>Whether the job runner runs in this process.</summary>
    public bool RunJobs { get; set; } = true;
    /// <summary>
    /// Whether task completions that arrive at the same moment may share one transaction (a group commit), where the
    /// store supports it: each still commits all of its writes or none.
    /// </summary>
    public bool ShareStepTransactions { get; set; } = true;
    /// <summary>Shared transactions open at the same time, at most (each holds one connection).</summary>
    public int SharedTransactions { get; set; } = 2;
    /// <summary>Steps in one shared transaction, at most.</summary>
    public int StepsPerSharedTransaction { get; set; } = 16;
}

/// <summary>Lets the job runner know that a job may be due now (after a step that created one commits).</summary>
public interface IJobNotifier
{
    void JobsCreated(DateTimeOffset earliestDue);
}
