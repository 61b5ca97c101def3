using ActorRunner.Messages;

namespace ActorRunner.Orchestrator.Releasing;

/// <summary>
/// How far ahead of the agreed instant the Release is sent. Fixed when <c>release-lead</c> gives a duration;
/// otherwise derived from what the last loops measured: each loop's slowest delivery of its Release to a node (sent by
/// the orchestrator to received by the node, on the orchestrator's clock); the 90th percentile of the last
/// <see cref="Window"/> of those, twice over, plus the stretch a node spins before the instant and a margin for waking
/// its threads: a Release that arrives inside the stretch still opens the gate on time, but its tasks are woken late
/// in it and, on a busy machine, resume less together (without it the unprotected race at 2 tasks was caught in fewer
/// loops). A single stall (a pause of one process) does not lengthen the next loops; stalls that recur do.
/// The first loop, with nothing measured yet, uses
/// <see cref="First"/>. A Release that arrived late makes its delivery the slowest, so the next loops' lead grows.
/// </summary>
public sealed class ReleaseLead(TimeSpan? fixedLead)
{
    /// <summary>The lead before any delivery has been measured.</summary>
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(10);

    /// <summary>The lead never goes below <see cref="Shortest"/>, nor above this.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(1);

    /// <summary>Time for a node to wake its threads once the Release is in, beyond the spin stretch.</summary>
    public static readonly TimeSpan WakeMargin = TimeSpan.FromMilliseconds(0.5);

    /// <summary>The recent deliveries' percentile the lead allows for, and how many times over.</summary>
    public const double DeliveryPercentile = 0.9, DeliveryFactor = 2;

    /// <summary>How many loops' slowest deliveries are remembered.</summary>
    public const int Window = 32;

    /// <summary>The shortest lead: the spin stretch of a thread at real-time priority and the margin to wake the threads.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromMicroseconds(Protocol.RealTimeSpinStretchUs) + WakeMargin;

    private readonly Queue<long> _slowestDeliveryUs = new();

    /// <summary>The lead for the next loop.</summary>
    public TimeSpan Next
    {
        get
        {
            if (fixedLead is { } lead) return lead;
            if (_slowestDeliveryUs.Count == 0) return First;
            var sorted = _slowestDeliveryUs.Order().ToList();
            var percentile = sorted[(int)Math.Ceiling(DeliveryPercentile * sorted.Count) - 1];
            var derived = Shortest + TimeSpan.FromMicroseconds(DeliveryFactor * percentile);
            return derived > Longest ? Longest : derived;
        }
    }

    /// <summary>The lead the run can need at the most: what bounds on a loop's time must allow for.</summary>
    public TimeSpan Most => fixedLead ?? Longest;

    /// <summary>One loop's slowest delivery of its Release (µs; a negative one, from clock noise, counts as 0).</summary>
    public void Observed(long slowestDeliveryUs)
    {
        _slowestDeliveryUs.Enqueue(Math.Max(0, slowestDeliveryUs));
        if (_slowestDeliveryUs.Count > Window) _slowestDeliveryUs.Dequeue();
    }
}
