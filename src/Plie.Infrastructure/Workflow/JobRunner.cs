using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plie.Workflow;
using Plie.Workflow.Ports;

namespace Plie.Infrastructure.Workflow;

/// <summary>
/// Runs due jobs (timers, async continuations, retries). Jobs are acquired with FOR UPDATE SKIP LOCKED and a lock
/// expiry, so several app nodes can share the database; a job whose worker died is taken again once its lock expires.
/// </summary>
public sealed class JobRunner(IServiceScopeFactory scopes, IOptions<WorkflowOptions> options, TimeProvider clock,
    ILogger<JobRunner> logger) : BackgroundService, IJobNotifier
{
    private readonly WorkflowOptions _options = options.Value;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public string WorkerId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    public void JobsCreated(DateTimeOffset earliestDue)
    {
        if (earliestDue <= clock.GetUtcNow() + _options.PollInterval) _wake.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.RunJobs) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var ran = 0;
            try
            {
                ran = await RunDueJobsAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Job acquisition failed");
            }
            if (ran > 0) continue;
            using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            delay.CancelAfter(_options.PollInterval);
            try
            {
                await _wake.Reader.ReadAsync(delay.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // poll interval elapsed
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Acquires one batch of due jobs and runs them. Returns how many were acquired.</summary>
    public async Task<int> RunDueJobsAsync(CancellationToken ct)
    {
        IReadOnlyList<Guid> ids;
        await using (var scope = scopes.CreateAsyncScope())
        {
            ids = await scope.ServiceProvider.GetRequiredService<IWorkflowStore>()
                .AcquireJobsAsync(WorkerId, _options.JobBatchSize, clock.GetUtcNow(), _options.JobLockDuration, ct);
        }
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = _options.JobConcurrency, CancellationToken = ct },
            async (id, token) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IWorkflowEngine>().ExecuteJobAsync(id, WorkerId, token);
            });
        return ids.Count;
    }
}
