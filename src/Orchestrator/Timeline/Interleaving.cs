namespace ActorRunner.Orchestrator.Timeline;

/// <summary>
/// A lost update as the timeline shows it: <paramref name="By"/>'s write of <paramref name="Value"/> replaced the
/// write just before it, <paramref name="Lost"/>'s of <paramref name="LostValue"/>, which <paramref name="By"/>
/// never saw: it had read (<paramref name="ByRead"/>) before that write landed. Times are the writes' instants on
/// the run's one clock.
/// </summary>
public sealed record Overwrite(string Lost, long LostValue, long LostAtUs, string By, long ByRead, long Value, long ByAtUs);

/// <summary>Tasks that read the same value (<paramref name="Value"/>) in one loop: a collision.</summary>
public sealed record SameRead(long Value, IReadOnlyList<string> Tasks);

/// <summary>The read-modify-write of every task of a loop, in the order its writes landed.</summary>
public static class Interleaving
{
    private sealed record Write(string Task, long Read, long ReadAtUs, long Value, long AtUs);

    /// <summary>
    /// Every write of the loop that replaced a write its task had not seen: the writes in time order, each against
    /// the one before it, which landed after the task's read. Under a lock that excludes there is none (each task
    /// reads after the one before it wrote). Two tasks may read the same value at different times (one read 1
    /// from a first write, another 1 from a later one): the instants tell them apart where the values cannot.
    /// </summary>
    public static IReadOnlyList<Overwrite> Overwrites(IEnumerable<TimelineEvent> loopEvents)
    {
        var writes = Writes(loopEvents);
        var overwrites = new List<Overwrite>();
        for (var i = 1; i < writes.Count; i++)
        {
            var (previous, write) = (writes[i - 1], writes[i]);
            if (write.ReadAtUs < previous.AtUs)
                overwrites.Add(new Overwrite(previous.Task, previous.Value, previous.AtUs, write.Task, write.Read, write.Value, write.AtUs));
        }
        return overwrites;
    }

    /// <summary>
    /// The loop's collisions as report.json names them for a counter: the tasks that read the same value and wrote
    /// (a task that failed left out), by value, each group's tasks in name order.
    /// </summary>
    public static IReadOnlyList<SameRead> SameReads(IEnumerable<TimelineEvent> loopEvents)
    {
        var events = loopEvents as IReadOnlyCollection<TimelineEvent> ?? loopEvents.ToList();
        var failed = events.Where(e => e is { Event: "failed", Task: not null }).Select(e => e.Task!).ToHashSet();
        return Writes(events).Where(w => !failed.Contains(w.Task))
            .GroupBy(w => w.Read)
            .Where(g => g.Count() > 1)
            .OrderBy(g => g.Key)
            .Select(g => new SameRead(g.Key, g.Select(w => w.Task).Order(StringComparer.Ordinal).ToList()))
            .ToList();
    }

    /// <summary>The tasks a lost update involves (who was overwritten, and by whom), in first-write order.</summary>
    public static IReadOnlyList<string> Involved(IReadOnlyList<Overwrite> overwrites) =>
        overwrites.SelectMany(o => new[] { o.Lost, o.By }).Distinct().ToList();

    /// <summary>Tasks that both read and wrote, with the first read and written event of each, in write order.</summary>
    private static List<Write> Writes(IEnumerable<TimelineEvent> loopEvents)
    {
        var reads = new Dictionary<string, TimelineEvent>();
        var written = new Dictionary<string, TimelineEvent>();
        foreach (var e in loopEvents)
        {
            if (e.Task is null || e.Value is null) continue;
            if (e.Event == "read") reads.TryAdd(e.Task, e);
            else if (e.Event == "written") written.TryAdd(e.Task, e);
        }
        return written.Values
            .Where(w => reads.ContainsKey(w.Task!))
            .Select(w => new Write(w.Task!, reads[w.Task!].Value!.Value, reads[w.Task!].TimeUs, w.Value!.Value, w.TimeUs))
            .OrderBy(w => w.AtUs).ThenBy(w => w.Task, StringComparer.Ordinal)
            .ToList();
    }
}
