namespace ActorRunner.Orchestrator.Timeline;

/// <summary>
/// A protocol message from its sender's lane to its receiver's, on the run's one clock. <paramref name="FromTask"/>
/// is set when a task sent it (its report), <paramref name="ToTask"/> never: messages go to a node or the orchestrator.
/// </summary>
public sealed record MessageArrow(string Message, string From, long SentUs, string To, long ReceivedUs, string? FromTask = null)
{
    public long LatencyUs => ReceivedUs - SentUs;
}

/// <summary>
/// Pairs a loop's message events into arrows. The orchestrator records what it sends and receives; a node's
/// receipt of PrepareLoop and Release comes from its reports. A node's TasksReady leaves when its last task
/// parked, and a task's report when its lock was given up (or the task failed): those are the sending instants.
/// </summary>
public static class MessageArrows
{
    public static IReadOnlyList<MessageArrow> Of(IReadOnlyCollection<TimelineEvent> loopEvents)
    {
        var arrows = new List<MessageArrow>();
        var sent = new Dictionary<(string, string, string), Queue<TimelineEvent>>();
        foreach (var e in loopEvents.Where(e => e.Event == "sent" && e.Message is not null && e.From is not null && e.To is not null))
        {
            var key = (e.Message!, e.From!, e.To!);
            if (!sent.TryGetValue(key, out var queue)) sent[key] = queue = new Queue<TimelineEvent>();
            queue.Enqueue(e);
        }
        var lastParked = loopEvents.Where(e => e.Event == "ready" && e.Task is not null)
            .GroupBy(e => e.Node).ToDictionary(g => g.Key, g => g.Max(e => e.TimeUs));
        var reportLeft = loopEvents.Where(e => e.Task is not null && e.Event is "lock-released" or "failed")
            .GroupBy(e => e.Task!).ToDictionary(g => g.Key, g => g.Max(e => e.TimeUs));

        foreach (var e in loopEvents.Where(e => e.Event == "received" && e.Message is not null && e.From is not null && e.To is not null))
        {
            if (sent.TryGetValue((e.Message!, e.From!, e.To!), out var queue) && queue.Count > 0)
            {
                arrows.Add(new MessageArrow(e.Message!, e.From!, queue.Dequeue().TimeUs, e.To!, e.TimeUs));
            }
            else if (e.Message == "TaskReport" && e.Task is not null && reportLeft.TryGetValue(e.Task, out var leftUs))
            {
                arrows.Add(new MessageArrow(e.Message, e.From!, leftUs, e.To!, e.TimeUs, e.Task));
            }
            else if (e.Message == "TasksReady" && lastParked.TryGetValue(e.From!, out var parkedUs))
            {
                arrows.Add(new MessageArrow(e.Message, e.From!, parkedUs, e.To!, e.TimeUs));
            }
        }
        return arrows.OrderBy(a => a.SentUs).ToList();
    }
}
