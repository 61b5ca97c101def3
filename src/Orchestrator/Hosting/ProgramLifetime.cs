using Microsoft.Extensions.Hosting;

namespace ActorRunner.Orchestrator.Hosting;

/// <summary>
/// Replaces the console lifetime, which would stop the host on SIGINT/SIGTERM behind our back: the run handles
/// those signals itself (an orderly stop with a report).
/// </summary>
public sealed class ProgramLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
