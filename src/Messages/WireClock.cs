namespace ActorRunner.Messages;

/// <summary>Timestamps on the wire: microseconds since the Unix epoch, from the system's real-time clock.</summary>
public static class WireClock
{
    public static long NowUs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>Best of several probes: the offset and uncertainty of the one with the shortest round trip.</summary>
    public static (long OffsetUs, long UncertaintyUs) BestOffset(IEnumerable<(long SentUs, long RemoteUs, long ReceivedUs)> probes)
    {
        var best = probes.MinBy(p => p.ReceivedUs - p.SentUs);
        var roundTrip = best.ReceivedUs - best.SentUs;
        return (best.RemoteUs - (best.SentUs + best.ReceivedUs) / 2, (roundTrip + 1) / 2);
    }

    /// <summary>
    /// The offset (orchestrator minus node) and its uncertainty from one exchange: the orchestrator sent a message at
    /// <paramref name="orchestratorSentUs"/>, the node had it and answered <paramref name="nodeElapsedUs"/> later by
    /// its monotonic clock, its real-time clock reading <paramref name="nodeSentUs"/> as it answered, and the answer
    /// arrived at <paramref name="orchestratorReceivedUs"/>. The offset is the one at the answer: the node's time in
    /// between is taken from a clock no step moves, so a step of the node's real-time clock while the exchange was
    /// under way (NTP, an operator) is measured whole, not halved. The uncertainty is half the time on the wire (the
    /// round trip less the node's own time in between). Null when the round trip cannot hold the node's time (the
    /// orchestrator's own clock moved meanwhile).
    /// </summary>
    public static (long OffsetUs, long UncertaintyUs)? Exchange(long orchestratorSentUs, long nodeSentUs, long orchestratorReceivedUs, long nodeElapsedUs)
    {
        var onTheWire = orchestratorReceivedUs - orchestratorSentUs - nodeElapsedUs;
        if (nodeElapsedUs < 0 || onTheWire < 0) return null;
        // The answer left the node half the time on the wire before it arrived, give or take that half.
        var offset = orchestratorReceivedUs - nodeSentUs - onTheWire / 2;
        return (offset, (onTheWire + 1) / 2);
    }
}
