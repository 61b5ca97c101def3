using ActorRunner.Messages;

namespace ActorRunner.Orchestrator.Timeline;

/// <summary>
/// The orchestrator's own events (messages sent and received, verdicts) as they happen, in its clock; each one
/// is also handed to <paramref name="onEvent"/> (the orchestrator logs them at debug level).
/// </summary>
public sealed class TimelineRecorder(long runStartUs, Action<TimelineEvent>? onEvent = null)
{
    public const string Orchestrator = "orchestrator";

    private readonly List<TimelineEvent> _events = new();

    public long RunStartUs { get; } = runStartUs;

    public IReadOnlyList<TimelineEvent> Events => _events;

    public void Sent(object message, string to, int? loop) =>
        Add(new TimelineEvent(WireClock.NowUs() - RunStartUs, Orchestrator, loop, null, "sent", message.GetType().Name, Orchestrator, to));

    public void Received(object message, string from, int? loop, string? task = null) =>
        Add(new TimelineEvent(WireClock.NowUs() - RunStartUs, Orchestrator, loop, task, "received", message.GetType().Name, from, Orchestrator));

    public void Note(string @event, int? loop, string? detail = null, string node = Orchestrator) =>
        Add(new TimelineEvent(WireClock.NowUs() - RunStartUs, node, loop, null, @event, Detail: detail));

    private void Add(TimelineEvent e)
    {
        _events.Add(e);
        onEvent?.Invoke(e);
    }
}
