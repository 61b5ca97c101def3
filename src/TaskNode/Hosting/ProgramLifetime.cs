using Microsoft.Extensions.Hosting;

namespace ActorRunner.TaskNode.Hosting;

/// <summary>
/// Replaces the console lifetime, which would stop the host on SIGINT/SIGTERM behind our back: the run handles
/// those signals itself (an orderly stop; for a node, leaving the run).
/// </summary>
public sealed class ProgramLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
