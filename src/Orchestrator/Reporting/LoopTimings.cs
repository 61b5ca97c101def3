using ActorRunner.Messages;

namespace ActorRunner.Orchestrator.Reporting;

/// <summary>
/// How simultaneous the release was and how the lock was passed on, from the tasks' own timestamps, every one
/// moved to the orchestrator's clock first (figures compare instants of different nodes).
/// </summary>
public sealed record LoopTimings(
    Percentiles ReleaseSpreadMs,
    Percentiles LockWaitMs,
    Percentiles HoldMs,
    Percentiles WaitForReleaseMs,
    double FirstResumeSpreadMs,
    double CriticalSectionsPerSecond)
{
    /// <summary>
    /// The spread of each node's first task to resume: how simultaneous the release instant itself was across
    /// processes, apart from the time a node's cores take to wake all of its task threads.
    /// </summary>
    private static double FirstResumeSpread(IReadOnlyCollection<TaskReport> reports)
    {
        var firsts = reports.Where(r => r.Phases.ReleasedUs > 0).GroupBy(r => r.NodeId).Select(g => g.Min(r => r.Phases.ReleasedUs)).ToList();
        return firsts.Count < 2 ? 0 : (firsts.Max() - firsts.Min()) / 1000.0;
    }

    /// <summary>The timings of reports in their nodes' clocks, each node's measured by <paramref name="clocks"/>.</summary>
    public static LoopTimings From(IEnumerable<TaskReport> reports, IReadOnlyDictionary<string, NodeClock> clocks) =>
        From(NodeClock.ToOrchestrator(reports, clocks));

    /// <summary>The timings of reports whose instants are all on one clock.</summary>
    public static LoopTimings From(IReadOnlyCollection<TaskReport> reports)
    {
        var released = reports.Select(r => r.Phases.ReleasedUs).Where(us => us > 0).ToList();
        var first = released.Count > 0 ? released.Min() : 0;
        var acquired = reports.Where(r => r.Phases.LockAcquiredUs > 0 && r.Phases.LockRequestedUs > 0).ToList();
        var held = reports.Where(r => r.Phases.LockAcquiredUs > 0 && r.Phases.LockReleasedUs > 0).ToList();
        var committed = held.Where(r => r.Outcome == TaskOutcome.Committed).ToList();
        var rate = 0.0;
        if (committed.Count > 0)
        {
            var windowUs = committed.Max(r => r.Phases.LockReleasedUs) - committed.Min(r => r.Phases.LockAcquiredUs);
            rate = windowUs > 0 ? committed.Count / (windowUs / 1e6) : 0;
        }
        return new LoopTimings(
            Percentiles.Of(released.Select(us => (us - first) / 1000.0)),
            Percentiles.Of(acquired.Select(r => (r.Phases.LockAcquiredUs - r.Phases.LockRequestedUs) / 1000.0)),
            Percentiles.Of(held.Select(r => (r.Phases.LockReleasedUs - r.Phases.LockAcquiredUs) / 1000.0)),
            Percentiles.Of(reports.Where(r => r.Phases.ReleasedUs > 0 && r.Phases.ParkedUs > 0)
                .Select(r => (r.Phases.ReleasedUs - r.Phases.ParkedUs) / 1000.0)),
            FirstResumeSpread(reports),
            rate);
    }
}
