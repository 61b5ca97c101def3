namespace ActorRunner.Orchestrator.Books;

/// <summary>Why a run's loops stopped: report.json's stoppedBy (loops, duration, failure, interrupted).</summary>
public enum StoppedBy
{
    /// <summary>Every loop asked for ran.</summary>
    Loops,
    /// <summary>The time budget (--duration) was spent.</summary>
    Duration,
    /// <summary>A loop was not verified (without continue-on-failure), or the run could not go on (a node lost, a timeout).</summary>
    Failure,
    /// <summary>SIGINT or SIGTERM.</summary>
    Interrupted,
}

/// <summary>
/// How many loops a run has and for how long they go on: a count (0: no count limit, up to the largest loop
/// number) and a time budget (zero: none), whichever ends first.
/// </summary>
public sealed class LoopPlan(int loops, TimeSpan duration)
{
    /// <summary>The last loop number there can be.</summary>
    public int LastLoop { get; } = loops > 0 ? loops : int.MaxValue;

    public bool Counted => loops > 0;

    public TimeSpan Duration { get; } = duration;

    /// <summary>Why the loops stop after <paramref name="loop"/> has ended, <paramref name="elapsed"/> after the first began; null: go on.</summary>
    public StoppedBy? After(int loop, TimeSpan elapsed)
    {
        if (loop >= LastLoop) return StoppedBy.Loops;
        if (Duration > TimeSpan.Zero && elapsed >= Duration) return StoppedBy.Duration;
        return null;
    }

    /// <summary>"3/10", or "3" when only the time budget ends the run.</summary>
    public string Of(int loop) => Counted ? $"{loop}/{loops}" : $"{loop}";
}

/// <summary>A duration as a person reads it: "30 s", "1.5 s", "250 ms", "2 h 5 min".</summary>
public static class Durations
{
    public static string Text(TimeSpan d) =>
        d >= TimeSpan.FromHours(1) ? $"{(int)d.TotalHours} h{(d.Minutes > 0 ? $" {d.Minutes} min" : "")}"
        : d >= TimeSpan.FromMinutes(1) ? $"{(int)d.TotalMinutes} min{(d.Seconds > 0 ? $" {d.Seconds} s" : "")}"
        : d >= TimeSpan.FromSeconds(1) ? $"{d.TotalSeconds:0.###} s"
        : $"{d.TotalMilliseconds:0.###} ms";
}
