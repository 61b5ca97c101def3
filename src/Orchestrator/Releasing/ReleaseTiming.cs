using ActorRunner.Messages;
using ActorRunner.Orchestrator.Reporting;
using Akka.Event;

namespace ActorRunner.Orchestrator.Releasing;

/// <summary>A loop's Release: when it went out and the instant it is for (orchestrator clock), and the time between.</summary>
public readonly record struct ReleaseInstant(long SentUs, long AtUs, TimeSpan In);

/// <summary>
/// Each loop's release in time. Its instant: after the release delay, and never sooner than the lead every node needs
/// to have it (<see cref="ReleaseLead"/>). Once the loop's reports are in, how long its Release took to reach each
/// node (<see cref="ReleaseDelivery"/>): the slowest feeds the next loops' lead (from the second loop on), and a node that had it only after its
/// instant is named in the log, as loud as <see cref="LateReleaseWarnings"/> says.
/// </summary>
public sealed class ReleaseTiming(TimeSpan releaseDelay, TimeSpan? fixedLead, ILoggingAdapter log)
{
    /// <summary>The first loop whose delivery the lead follows.</summary>
    public const int FirstCounted = 2;

    private readonly ReleaseLead _lead = new(fixedLead);
    private readonly LateReleaseWarnings _late = new();

    /// <summary>Late releases so far.</summary>
    public long LateCount => _late.Count;

    /// <summary>The instant of a Release sent at <paramref name="sentUs"/>.</summary>
    public ReleaseInstant Instant(long sentUs)
    {
        var lead = _lead.Next;
        var releaseIn = releaseDelay > lead ? releaseDelay : lead;
        return new ReleaseInstant(sentUs, sentUs + (long)releaseIn.TotalMicroseconds, releaseIn);
    }

    /// <summary>
    /// How the Release of <paramref name="loop"/>, sent at <paramref name="sentUs"/> for <paramref name="atUs"/>, reached
    /// its nodes, read from the loop's <paramref name="reports"/> with each node's clock (<paramref name="clockOf"/>):
    /// the nodes that had it late (none when nothing was released or no report says when the Release came).
    /// </summary>
    public IReadOnlyList<string> Delivered(int loop, IEnumerable<TaskReport> reports, Func<string, NodeClock?> clockOf, long sentUs, long atUs)
    {
        if (ReleaseDelivery.Of(reports, clockOf, sentUs, atUs) is not { } delivery) return [];
        // The first loop's Release is the first message of its kind down a path its processes have just started
        // using (several times the later ones here): counted, it would set the lead of the next loops on its own.
        if (loop >= FirstCounted) _lead.Observed(delivery.SlowestUs);
        foreach (var (node, lateUs) in delivery.Late)
        {
            var (warning, lastWarning) = _late.Next();
            log.Log(warning ? LogLevel.WarningLevel : LogLevel.DebugLevel, "Loop {Loop}: node {Node} got the release {LateMs} ms after its instant (lead {LeadMs} ms); its tasks started late{More}",
                new object[] { loop, node, Math.Round(lateUs / 1000.0, 3), Math.Round(delivery.LeadUs / 1000.0, 3),
                    lastWarning ? "; further late releases are logged at debug level" : "" });
        }
        return delivery.Late.Select(l => l.Node).ToList();
    }
}
