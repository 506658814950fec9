using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plie.Workflow.Model;
using Plie.Workflow.Parsing;
using Plie.Workflow.Ports;
using Plie.Workflow.Runtime;

namespace Plie.Workflow;

/// <inheritdoc />
public sealed partial class WorkflowEngine(
    IWorkflowStore store,
    DefinitionCache definitions,
    IServiceTaskInvoker services,
    ITopicCatalog topics,
    IFormCatalog forms,
    IOptions<WorkflowOptions> options,
    TimeProvider clock,
    IEnumerable<IJobNotifier> notifiers,
    ILogger<WorkflowEngine> logger) : IWorkflowEngine
{
    private readonly WorkflowOptions _options = options.Value;

    public IReadOnlyList<ValidationError> Validate(string xml) => new ModelValidator(topics, forms).Validate(xml).Errors;

    public async Task<DeploymentResult> DeployAsync(string xml, string? user, CancellationToken ct = default)
    {
        var checkedModel = new ModelValidator(topics, forms).Validate(xml);
        if (checkedModel.Model is not { } model) throw new WorkflowValidationException(checkedModel.Errors);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(xml)));
        return await StepAsync(user, ct, async runner =>
        {
            var versions = await store.GetDefinitionVersionsAsync(model.Id, ct);
            var latest = versions.FirstOrDefault();
            if (latest is not null && latest.Hash == hash) return new DeploymentResult(latest, false);
            var definition = new ProcessDefinitionRecord
            {
                Id = Guid.CreateVersion7(), Key = model.Id, Version = (latest?.Version ?? 0) + 1, Name = model.Name,
                Xml = xml, Hash = hash, DeployedAt = runner.Now, DeployedBy = user,
            };
            store.Add(definition);
            // Only the latest version starts on timers and messages.
            var older = versions.Select(v => v.Id).ToList();
            foreach (var job in await store.GetStartJobsAsync(older, ct)) store.Remove(job);
            foreach (var sub in await store.GetStartSubscriptionsAsync(older, ct)) store.Remove(sub);
            foreach (var start in model.TimerStartEvents)
            {
                var (due, repeats, interval) = TimerSchedule.First(start.Timer!, runner.Now, new Dictionary<string, JsonNode?>());
                store.Add(new JobRecord
                {
                    Id = Guid.CreateVersion7(), Kind = JobKind.TimerStart, DefinitionId = definition.Id, ElementId = start.Id,
                    DueAt = due, RepeatsLeft = repeats, RepeatInterval = interval, Retries = _options.DefaultRetries,
                    CreatedAt = runner.Now,
                });
                runner.NoteJob(due);
            }
            foreach (var start in model.MessageStartEvents)
                store.Add(new MessageSubscriptionRecord
                {
                    Id = Guid.CreateVersion7(), MessageName = start.MessageName!, DefinitionId = definition.Id,
                    ElementId = start.Id, CreatedAt = runner.Now,
                });
            logger.LogInformation("Deployed {Key} version {Version}", definition.Key, definition.Version);
            return new DeploymentResult(definition, true);
        });
    }

    public Task<ProcessInstanceRecord> StartAsync(string processKey, string? businessKey,
        IReadOnlyDictionary<string, object?>? variables, string? user, CancellationToken ct = default) =>
        StepAsync(user, ct, async runner =>
        {
            var (definition, model) = await definitions.GetLatestAsync(processKey, store, ct)
                                      ?? throw new WorkflowNotFoundException($"Aucun processus « {processKey} » n'est déployé.");
            var start = model.Root.NoneStart
                        ?? throw new WorkflowException($"Le processus « {processKey} » n'a pas de début simple : il démarre sur minuterie ou message.");
            return runner.StartInstance(definition, model, start, businessKey, ToNodes(variables)).Instance;
        });

    public async Task CompleteTaskAsync(Guid taskId, IReadOnlyDictionary<string, object?>? variables, string? user,
        CancellationToken ct = default)
    {
        await StepAsync(user, ct, async runner =>
        {
            var s = await runner.LoadTaskInstanceAsync(taskId);
            var task = OpenTask(s, taskId);
            var values = ToNodes(variables);
            var errors = FormFieldValidation.Check(task.FormFieldsJson, values);
            if (errors.Count > 0) throw new WorkflowValidationException(errors);
            task.State = UserTaskState.Completed;
            task.CompletedAt = runner.Now;
            task.CompletedBy = user;
            task.Revision++;
            s.Tasks.Remove(task);
            var node = s.Model.Node(task.ElementId);
            var data = new JsonObject();
            foreach (var (k, v) in values) data[k] = v?.DeepClone();
            runner.History(s, HistoryTypes.TaskCompleted, node, new JsonObject { ["variables"] = data }, task.Id);
            var exec = s.Execution(task.ExecutionId);
            foreach (var (name, value) in values) runner.SetVariable(s, exec, name, value);
            await runner.LeaveAsync(s, exec, node);
            return true;
        });
    }

    public Task ClaimTaskAsync(Guid taskId, string user, CancellationToken ct = default) =>
        ChangeTaskAsync(taskId, user, ct, (task, s, runner) =>
        {
            if (task.Assignee is not null && task.Assignee != user)
                throw new WorkflowConflictException($"La tâche est déjà prise par {task.Assignee}.");
            task.Assignee = user;
            task.ClaimedAt = runner.Now;
            return HistoryTypes.TaskClaimed;
        });

    public Task UnclaimTaskAsync(Guid taskId, string? user, CancellationToken ct = default) =>
        ChangeTaskAsync(taskId, user, ct, (task, s, runner) =>
        {
            task.Assignee = null;
            task.ClaimedAt = null;
            return HistoryTypes.TaskUnclaimed;
        });

    public Task AssignTaskAsync(Guid taskId, string? assignee, string? user, CancellationToken ct = default) =>
        ChangeTaskAsync(taskId, user, ct, (task, s, runner) =>
        {
            task.Assignee = string.IsNullOrWhiteSpace(assignee) ? null : assignee;
            task.ClaimedAt = task.Assignee is null ? null : runner.Now;
            return HistoryTypes.TaskAssigned;
        });

    private async Task ChangeTaskAsync(Guid taskId, string? user, CancellationToken ct,
        Func<UserTaskRecord, LoadedInstance, StepRunner, string> change)
    {
        await StepAsync(user, ct, async runner =>
        {
            var s = await runner.LoadTaskInstanceAsync(taskId);
            var task = OpenTask(s, taskId);
            var type = change(task, s, runner);
            task.Revision++;
            runner.History(s, type, s.Model.Nodes.GetValueOrDefault(task.ElementId), new JsonObject { ["assignee"] = task.Assignee }, task.Id);
            return true;
        });
    }

    public async Task<CorrelationResult> CorrelateMessageAsync(string messageName, string? businessKey,
        IReadOnlyDictionary<string, object?>? variables, string? user, CancellationToken ct = default)
    {
        var waiting = await store.FindInstanceSubscriptionsAsync(messageName, businessKey, ct);
        var values = ToNodes(variables);
        if (waiting.Count > 0)
        {
            var delivered = await StepAsync(user, ct, async runner =>
            {
                var ids = new List<Guid>();
                foreach (var found in waiting)
                {
                    var s = await runner.LoadAsync(found.InstanceId!.Value);
                    var subs = await s.SubscriptionsAsync(ct);
                    var sub = subs.FirstOrDefault(x => x.Id == found.Id);
                    if (sub is null) continue; // delivered by someone else meanwhile
                    subs.Remove(sub);
                    store.Remove(sub);
                    var exec = s.Execution(sub.ExecutionId!.Value);
                    var node = s.Model.Node(sub.ElementId);
                    runner.History(s, HistoryTypes.MessageCorrelated, node, new JsonObject { ["message"] = messageName });
                    foreach (var (name, value) in values) runner.SetVariable(s, exec, name, value?.DeepClone());
                    await runner.LeaveAsync(s, exec, node);
                    ids.Add(s.Instance.Id);
                }
                return ids;
            });
            if (delivered.Count > 0) return new CorrelationResult(delivered, false);
        }
        var starts = await store.FindStartSubscriptionsAsync(messageName, ct);
        if (starts.Count == 0)
            throw new WorkflowNotFoundException(businessKey is null
                ? $"Aucune instance n'attend le message « {messageName} »."
                : $"Aucune instance de clé « {businessKey} » n'attend le message « {messageName} ».");
        var started = await StepAsync(user, ct, async runner =>
        {
            var ids = new List<Guid>();
            foreach (var sub in starts)
            {
                var (definition, model) = await definitions.GetAsync(sub.DefinitionId!.Value, store, ct)
                                          ?? throw new WorkflowException($"La définition {sub.DefinitionId} a disparu.");
                var start = (StartEvent)model.Node(sub.ElementId);
                ids.Add(runner.StartInstance(definition, model, start, businessKey, values).Instance.Id);
            }
            return ids;
        });
        return new CorrelationResult(started, true);
    }

    public Task CancelInstanceAsync(Guid instanceId, string reason, string? user, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new WorkflowValidationException([new ValidationError(null, "Le motif d'annulation est obligatoire.")]);
        return StepAsync(user, ct, async runner =>
        {
            var s = await runner.LoadAsync(instanceId);
            await runner.CancelWholeInstanceAsync(s, InstanceState.Cancelled, reason);
            foreach (var incident in await store.GetOpenIncidentsAsync(instanceId, ct))
            {
                incident.ResolvedAt = runner.Now;
                incident.ResolvedBy = user;
            }
            return true;
        });
    }

    public async Task RetryIncidentAsync(Guid incidentId, string? user, CancellationToken ct = default)
    {
        await StepAsync(user, ct, async runner =>
        {
            var found = await store.GetIncidentAsync(incidentId, ct)
                        ?? throw new WorkflowNotFoundException($"L'incident {incidentId} n'existe pas.");
            if (found.ResolvedAt is not null) throw new WorkflowConflictException("Cet incident est déjà résolu.");
            var s = await runner.LoadAsync(found.InstanceId);
            var jobs = await s.JobsAsync(ct);
            var job = jobs.FirstOrDefault(j => j.Id == found.JobId)
                      ?? throw new WorkflowConflictException("Le travail de cet incident n'existe plus.");
            job.Retries = 1;
            job.DueAt = runner.Now;
            job.LockOwner = null;
            job.LockExpiresAt = null;
            found.ResolvedAt = runner.Now;
            found.ResolvedBy = user;
            runner.NoteJob(job.DueAt);
            runner.History(s, HistoryTypes.IncidentResolved, s.Model.Nodes.GetValueOrDefault(found.ElementId),
                new JsonObject { ["incidentId"] = found.Id.ToString(), ["action"] = "retry" });
            return true;
        });
    }

    public async Task<JobOutcome> ExecuteJobAsync(Guid jobId, string workerId, CancellationToken ct = default)
    {
        var peek = await store.GetJobAsync(jobId, ct);
        if (peek is null || peek.LockOwner != workerId) return JobOutcome.NotFound;
        var instanceId = peek.InstanceId;
        try
        {
            return await StepAsync("system", ct, async runner =>
            {
                if (instanceId is null)
                    return await store.GetJobAsync(jobId, ct) is { } start && start.LockOwner == workerId
                        ? await RunTimerStartAsync(runner, start, ct)
                        : JobOutcome.NotFound;
                var s = await runner.LoadAsync(instanceId.Value);
                var jobs = await s.JobsAsync(ct);
                var job = jobs.FirstOrDefault(j => j.Id == jobId);
                if (job is null || job.LockOwner != workerId) return JobOutcome.NotFound;
                var exec = s.Executions.FirstOrDefault(e => e.Id == job.ExecutionId);
                var node = s.Model.Node(job.ElementId);
                var reschedule = job is { Kind: JobKind.BoundaryTimer, RepeatsLeft: not null and not 0, RepeatInterval: not null }
                                 && node is BoundaryEvent { CancelActivity: false };
                if (reschedule)
                {
                    job.DueAt = TimerSchedule.Next(job.DueAt, job.RepeatInterval!);
                    if (job.RepeatsLeft > 0) job.RepeatsLeft--;
                    job.LockOwner = null;
                    job.LockExpiresAt = null;
                    runner.NoteJob(job.DueAt);
                }
                else
                {
                    jobs.Remove(job);
                    store.Remove(job);
                }
                if (exec is null) return JobOutcome.Executed;
                switch (job.Kind)
                {
                    case JobKind.AsyncContinuation:
                        exec.State = ExecutionState.Active;
                        await runner.ExecuteAsync(s, exec, node);
                        break;
                    case JobKind.IntermediateTimer:
                        await runner.LeaveAsync(s, exec, node);
                        break;
                    case JobKind.BoundaryTimer:
                        await runner.FireBoundaryTimerAsync(s, exec, (BoundaryEvent)node);
                        break;
                }
                return JobOutcome.Executed;
            });
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Job {JobId} failed", jobId);
            return await RecordJobFailureAsync(jobId, e, ct);
        }
    }

    private async Task<JobOutcome> RunTimerStartAsync(StepRunner runner, JobRecord job, CancellationToken ct)
    {
        var (definition, model) = await definitions.GetAsync(job.DefinitionId!.Value, store, ct)
                                  ?? throw new WorkflowException($"La définition {job.DefinitionId} a disparu.");
        if (job.RepeatsLeft is not null and not 0 && job.RepeatInterval is not null)
        {
            job.DueAt = TimerSchedule.Next(job.DueAt, job.RepeatInterval);
            if (job.RepeatsLeft > 0) job.RepeatsLeft--;
            job.LockOwner = null;
            job.LockExpiresAt = null;
            runner.NoteJob(job.DueAt);
        }
        else store.Remove(job);
        runner.StartInstance(definition, model, (StartEvent)model.Node(job.ElementId), null, null);
        return JobOutcome.Executed;
    }

    private async Task<JobOutcome> RecordJobFailureAsync(Guid jobId, Exception error, CancellationToken ct)
    {
        store.Reset();
        await using var tx = await store.BeginTransactionAsync(ct);
        var job = await store.GetJobAsync(jobId, ct);
        if (job is null) return JobOutcome.NotFound;
        var now = clock.GetUtcNow();
        RetryCycle? cycle = null;
        ProcessInstanceRecord? instance = null;
        if (job.InstanceId is { } instanceId)
        {
            instance = await store.LockInstanceAsync(instanceId, ct);
            if (instance is not null && await definitions.GetAsync(instance.DefinitionId, store, ct) is { } found)
                cycle = found.Model.Nodes.GetValueOrDefault(job.ElementId)?.RetryCycle;
        }
        job.Retries = Math.Max(0, job.Retries - 1);
        job.LastError = Truncate(error.Message, 4000);
        job.LockOwner = null;
        job.LockExpiresAt = null;
        var attempt = Math.Max(0, (cycle?.Tries ?? _options.DefaultRetries) - job.Retries - 1);
        job.DueAt = now + (cycle?.Interval ?? _options.RetryBackoff * Math.Pow(2, attempt));
        var outcome = JobOutcome.Failed;
        if (instance is not null)
        {
            store.Add(new HistoryEventRecord
            {
                InstanceId = instance.Id, At = now, Type = HistoryTypes.JobFailed, ElementId = job.ElementId, UserId = "system",
                Data = new JsonObject { ["error"] = job.LastError, ["retriesLeft"] = job.Retries }.ToJsonString(),
            });
            if (job.Retries == 0)
            {
                var incident = new IncidentRecord
                {
                    Id = Guid.CreateVersion7(), InstanceId = instance.Id, ExecutionId = job.ExecutionId, JobId = job.Id,
                    ElementId = job.ElementId, Message = Truncate(error.Message, 4000), Details = Truncate(error.ToString(), 16000),
                    CreatedAt = now,
                };
                store.Add(incident);
                store.Add(new HistoryEventRecord
                {
                    InstanceId = instance.Id, At = now, Type = HistoryTypes.IncidentCreated, ElementId = job.ElementId, UserId = "system",
                    Data = new JsonObject { ["incidentId"] = incident.Id.ToString(), ["message"] = incident.Message }.ToJsonString(),
                });
                outcome = JobOutcome.IncidentCreated;
            }
            instance.LastActivityAt = now;
        }
        await tx.CommitAsync(ct); // saves what is pending, then commits
        if (job.Retries > 0) Notify(job.DueAt);
        return outcome;
    }

    public async Task<IReadOnlyDictionary<string, JsonNode?>> GetVariablesAsync(Guid instanceId, CancellationToken ct = default)
    {
        var vars = await store.GetVariablesAsync(instanceId, ct);
        return vars.Where(v => v.ExecutionId is null).ToDictionary(v => v.Name, VariableValues.Read);
    }

    // ---------------------------------------------------------------- plumbing

    /// <summary>How many times a step is run when another step keeps changing its instance first.</summary>
    internal const int StepAttempts = 5;

    /// <summary>
    /// Runs <paramref name="body"/> and the tokens it sets moving, then commits. An optimistic step refused because
    /// someone changed its instance meanwhile (<see cref="WorkflowStaleStateException"/>: nothing of it was kept) is run
    /// again from the start on what is there now, up to <see cref="StepAttempts"/> times in all. The store forgets its
    /// records before a run again, so a body reads within itself every record it changes (a record read before the
    /// step would be changed in vain).
    /// </summary>
    private async Task<T> StepAsync<T>(string? user, CancellationToken ct, Func<StepRunner, Task<T>> body)
    {
        for (var attempt = 1; ; attempt++)
        {
            var runner = new StepRunner(store, definitions, services, _options, clock.GetUtcNow(), user, ct);
            try
            {
                await using var tx = await store.BeginStepAsync(ct);
                var result = await body(runner);
                await runner.RunAsync();
                await tx.CommitAsync(ct); // saves what is pending, then commits
                if (runner.EarliestNewJob is { } due) Notify(due);
                return result;
            }
            catch (WorkflowStaleStateException) when (attempt < StepAttempts)
            {
                store.Reset();
                logger.LogDebug("A step met an instance changed meanwhile: attempt {Attempt} of {Attempts}", attempt + 1, StepAttempts);
            }
            catch
            {
                store.Reset();
                throw;
            }
        }
    }

    private void Notify(DateTimeOffset due)
    {
        foreach (var n in notifiers) n.JobsCreated(due);
    }

    private static UserTaskRecord OpenTask(LoadedInstance s, Guid taskId) =>
        s.Tasks.FirstOrDefault(t => t.Id == taskId)
        ?? throw new WorkflowConflictException("Cette tâche a déjà été terminée ou annulée.");

    private static Dictionary<string, JsonNode?> ToNodes(IReadOnlyDictionary<string, object?>? variables) =>
        variables?.ToDictionary(kv => kv.Key, kv => VariableValues.ToNode(kv.Value), StringComparer.Ordinal)
        ?? new Dictionary<string, JsonNode?>(StringComparer.Ordinal);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
