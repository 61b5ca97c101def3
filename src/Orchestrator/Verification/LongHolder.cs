using ActorRunner.Messages;

namespace ActorRunner.Orchestrator.Verification;

/// <summary>
/// When tasks gave up on the lock (their reports say <see cref="TaskFailure.LockTimeout"/>), the task that held it
/// longer than the lock timeout (a paused or slow holder), named from the reports.
/// </summary>
public static class LongHolder
{
    /// <returns>The finding, or null when no task gave up on the lock or its longest holder kept it less than the timeout.</returns>
    public static string? Finding(IReadOnlyCollection<TaskReport> reports, TimeSpan lockTimeout)
    {
        var gaveUp = reports.Count(r => r.Failure == TaskFailure.LockTimeout);
        if (gaveUp == 0) return null;
        var longest = reports.Where(r => r.Phases.LockAcquiredUs > 0 && r.Phases.LockReleasedUs > 0)
            .MaxBy(r => r.Phases.LockReleasedUs - r.Phases.LockAcquiredUs);
        if (longest is null) return $"{gaveUp} tasks gave up on the lock; its holder never reported (see the silent or lost nodes)";
        var heldMs = (longest.Phases.LockReleasedUs - longest.Phases.LockAcquiredUs) / 1000.0;
        return heldMs < lockTimeout.TotalMilliseconds
            ? null
            : $"{gaveUp} tasks gave up on the lock while task {longest.TaskId} on {longest.NodeId} held it for {heldMs / 1000:0.###} s (longer than the lock timeout)";
    }
}
