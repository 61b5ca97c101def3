using Microsoft.Extensions.Hosting;

namespace ActorRunner.Hosting;

/// <summary>
/// Replaces the console lifetime, which would stop the host on SIGINT/SIGTERM behind our back: each process handles
/// those signals itself (the orchestrator: an orderly stop with a report; a node: leaving the run).
/// </summary>
internal sealed class ProgramLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
