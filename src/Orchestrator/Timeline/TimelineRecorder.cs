using ActorRunner.Messages;

namespace ActorRunner.Orchestrator.Timeline;

/// <summary>
/// The orchestrator's own events (messages sent and received, verdicts) as they happen, in its clock; each one
/// is also handed to <paramref name="onEvent"/> (the orchestrator logs them at debug level). Run-level events
/// are kept; a loop's are held until <see cref="TakeLoop"/> hands them over (the loop book keeps them or not).
/// </summary>
public sealed class TimelineRecorder(long runStartUs, Action<TimelineEvent>? onEvent = null)
{
    public const string Orchestrator = "orchestrator";

    private readonly List<TimelineEvent> _events = new();
    private readonly SortedDictionary<int, List<TimelineEvent>> _loops = new();
    private int _taken;

    public long RunStartUs { get; } = runStartUs;

    /// <summary>The run-level events (no loop).</summary>
    public IReadOnlyList<TimelineEvent> Events => _events;

    /// <summary>Loops whose events are held, not yet taken.</summary>
    public int HeldLoops => _loops.Count;

    /// <summary>
    /// The events of <paramref name="loop"/>, no longer held; those of earlier loops still held (a late report)
    /// are dropped, and any that come for a taken loop from now on are not held.
    /// </summary>
    public IReadOnlyList<TimelineEvent> TakeLoop(int loop)
    {
        _loops.Remove(loop, out var events);
        foreach (var earlier in _loops.Keys.Where(l => l < loop).ToList()) _loops.Remove(earlier);
        _taken = Math.Max(_taken, loop);
        return events ?? [];
    }

    public void Sent(object message, string to, int? loop) =>
        Add(new TimelineEvent(WireClock.NowUs() - RunStartUs, Orchestrator, loop, null, "sent", message.GetType().Name, Orchestrator, to));

    public void Received(object message, string from, int? loop, string? task = null) =>
        Add(new TimelineEvent(WireClock.NowUs() - RunStartUs, Orchestrator, loop, task, "received", message.GetType().Name, from, Orchestrator));

    public void Note(string @event, int? loop, string? detail = null, string node = Orchestrator) =>
        Add(new TimelineEvent(WireClock.NowUs() - RunStartUs, node, loop, null, @event, Detail: detail));

    private void Add(TimelineEvent e)
    {
        onEvent?.Invoke(e);
        if (e.Loop is not { } loop) _events.Add(e);
        else if (loop > _taken)
        {
            if (!_loops.TryGetValue(loop, out var events)) _loops[loop] = events = new List<TimelineEvent>();
            events.Add(e);
        }
    }
}
