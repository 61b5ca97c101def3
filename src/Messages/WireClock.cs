namespace ActorRunner.Messages;

/// <summary>Timestamps on the wire: microseconds since the Unix epoch, from the system's real-time clock.</summary>
public static class WireClock
{
    public static long NowUs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
}
