using ActorRunner.Messages;
using ActorRunner.Orchestrator.Reporting;

namespace ActorRunner.Orchestrator.Releasing;

/// <summary>
/// How long a loop's Release took to reach its nodes, from the reports' arrival stamps moved to the orchestrator's
/// clock: the slowest delivery (µs, what the next loops' lead follows), the lead the loop had (µs, from sending the
/// Release to its instant), and the nodes that had it only after its instant, each with how late (µs).
/// </summary>
public sealed record ReleaseDelivery(long SlowestUs, long LeadUs, IReadOnlyList<(string Node, long LateUs)> Late)
{
    /// <summary>
    /// The delivery of a Release sent at <paramref name="releaseSentUs"/> for <paramref name="releaseAtUs"/>, from the
    /// reports of the tasks that had it, each node's instant moved by <paramref name="clockOf"/> (a node it does not
    /// know counts as delivered at once); null when nothing was released or no report says when the Release came.
    /// </summary>
    public static ReleaseDelivery? Of(IEnumerable<TaskReport> reports, Func<string, NodeClock?> clockOf, long releaseSentUs, long releaseAtUs)
    {
        if (releaseSentUs == 0) return null;
        var deliveries = reports.Where(r => r.Phases.ReleaseReceivedUs > 0)
            .GroupBy(r => r.NodeId)
            .Select(g => (Node: g.Key, Us: clockOf(g.Key) is { } clock
                ? clock.ToOrchestratorUs(g.First().Phases.ReleaseReceivedUs) - releaseSentUs
                : 0))
            .ToList();
        if (deliveries.Count == 0) return null;
        var leadUs = releaseAtUs - releaseSentUs;
        return new ReleaseDelivery(deliveries.Max(d => d.Us), leadUs,
            deliveries.Where(d => d.Us > leadUs).Select(d => (d.Node, d.Us - leadUs)).ToList());
    }
}
