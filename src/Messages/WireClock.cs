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
    /// <paramref name="orchestratorSentUs"/>, the node had it at <paramref name="nodeReceivedUs"/> and answered at
    /// <paramref name="nodeSentUs"/>, and the answer arrived at <paramref name="orchestratorReceivedUs"/>. The
    /// uncertainty is half the time on the wire (the round trip less the node's own time in between).
    /// Null when the four instants cannot belong to one exchange on two steady clocks: the node's time in between is
    /// negative or longer than the whole round trip (a clock stepped while the exchange was under way, e.g. NTP;
    /// half the step would pass for offset with no uncertainty to cover it).
    /// </summary>
    public static (long OffsetUs, long UncertaintyUs)? Exchange(long orchestratorSentUs, long nodeReceivedUs, long nodeSentUs, long orchestratorReceivedUs)
    {
        var (roundTrip, atTheNode) = (orchestratorReceivedUs - orchestratorSentUs, nodeSentUs - nodeReceivedUs);
        if (atTheNode < 0 || atTheNode > roundTrip) return null;
        var offset = (orchestratorSentUs - nodeReceivedUs + (orchestratorReceivedUs - nodeSentUs)) / 2;
        return (offset, (roundTrip - atTheNode + 1) / 2);
    }
}
