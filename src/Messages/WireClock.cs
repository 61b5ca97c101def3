namespace ActorRunner.Messages;

/// <summary>Timestamps on the wire: microseconds since the Unix epoch, from the system's real-time clock.</summary>
public static class WireClock
{
    public static long NowUs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>
    /// The offset (orchestrator minus node, µs) both sides apply: the measured one when it exceeds its own
    /// uncertainty, else zero (nodes on the orchestrator's machine share its clock; applying noise would only
    /// spread the release).
    /// </summary>
    public static long EffectiveOffsetUs(long offsetUs, long uncertaintyUs) => Math.Abs(offsetUs) > uncertaintyUs ? offsetUs : 0;

    /// <summary>Best of several probes: the offset and uncertainty of the one with the shortest round trip.</summary>
    public static (long OffsetUs, long UncertaintyUs) BestOffset(IEnumerable<(long SentUs, long RemoteUs, long ReceivedUs)> probes)
    {
        var best = probes.MinBy(p => p.ReceivedUs - p.SentUs);
        var roundTrip = best.ReceivedUs - best.SentUs;
        return (best.RemoteUs - (best.SentUs + best.ReceivedUs) / 2, (roundTrip + 1) / 2);
    }
}
