using System.Globalization;
using System.Text;

namespace ActorRunner.Orchestrator.Timeline;

/// <summary>The timeline as text: a time-ordered log of events, and a small drawing of one loop for a few tasks.</summary>
public static class TimelineText
{
    /// <summary>The most tasks <see cref="Compact"/> draws; more would not be read as a drawing.</summary>
    public const int CompactMaxTasks = 20;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// One line per event, in time order (events at the same time keep their order), optionally only one loop's
    /// and one task's: <c>  12.345 ms  loop 1  node-1  task-003  read 41</c>. Columns are aligned.
    /// </summary>
    public static IReadOnlyList<string> Render(IEnumerable<TimelineEvent> events, int? loop, string? task)
    {
        var selected = events
            .Where(e => loop is null || e.Loop == loop)
            .Where(e => task is null || e.Task == task)
            .OrderBy(e => e.TimeUs)
            .ToList();
        if (selected.Count == 0) return [];

        var times = selected.Select(e => Ms(e.TimeUs)).ToList();
        var loops = selected.Select(e => e.Loop is { } l ? "loop " + l.ToString(Invariant) : "").ToList();
        var timeWidth = times.Max(t => t.Length);
        var loopWidth = loops.Max(l => l.Length);
        var nodeWidth = selected.Max(e => e.Node.Length);
        var taskWidth = selected.Max(e => e.Task?.Length ?? 0);

        var lines = new List<string>(selected.Count);
        for (var i = 0; i < selected.Count; i++)
        {
            var e = selected[i];
            var line = new StringBuilder("  ");
            line.Append(times[i].PadLeft(timeWidth)).Append(" ms  ");
            if (loopWidth > 0) line.Append(loops[i].PadRight(loopWidth)).Append("  ");
            line.Append(e.Node.PadRight(nodeWidth)).Append("  ");
            if (taskWidth > 0) line.Append((e.Task ?? "").PadRight(taskWidth)).Append("  ");
            line.Append(Describe(e));
            lines.Add(line.ToString().TrimEnd());
        }
        return lines;
    }

    /// <summary>The event with what it carries: <c>sent TaskReport node-1 -> orchestrator</c>, <c>read 41</c>, <c>failed: lock timeout</c>.</summary>
    public static string Describe(TimelineEvent e)
    {
        var text = new StringBuilder(e.Event);
        if (e.Message is not null) text.Append(' ').Append(e.Message);
        if (e.From is not null || e.To is not null) text.Append(' ').Append(e.From ?? "?").Append(" -> ").Append(e.To ?? "?");
        if (e.Value is { } value) text.Append(' ').Append(value.ToString(Invariant));
        if (e.Detail is not null) text.Append(": ").Append(e.Detail);
        return text.ToString();
    }

    /// <summary>
    /// The interleaving of one loop's lost updates: every event of the tasks involved (the tasks that read the same
    /// value, who was overwritten and by whom), in time order, then one line per collision (the tasks that read
    /// the same value) and one per overwrite. Empty when the loop has no lost update.
    /// </summary>
    public static IReadOnlyList<string> Collisions(IReadOnlyCollection<TimelineEvent> events, int loop)
    {
        var loopEvents = events.Where(e => e.Loop == loop).ToList();
        var overwrites = Interleaving.Overwrites(loopEvents);
        if (overwrites.Count == 0) return [];
        var sameReads = Interleaving.SameReads(loopEvents);
        var involved = sameReads.SelectMany(c => c.Tasks).Concat(Interleaving.Involved(overwrites)).ToHashSet();
        var lines = new List<string>(Render(loopEvents.Where(e => e.Task is not null && involved.Contains(e.Task) && e.Node != TimelineRecorder.Orchestrator), loop, null));
        lines.Add("");
        foreach (var c in sameReads)
            lines.Add($"  {string.Join(", ", c.Tasks)} read the same value, {c.Value.ToString(Invariant)}: a collision");
        foreach (var o in overwrites)
            lines.Add($"  {o.By} (read {o.ByRead.ToString(Invariant)}) wrote {o.Value.ToString(Invariant)} at {Ms(o.ByAtUs)} ms over {o.Lost}'s " +
                      $"{o.LostValue.ToString(Invariant)} (written at {Ms(o.LostAtUs)} ms): {o.Lost}'s update is lost");
        return lines;
    }

    /// <summary>
    /// A drawing of one loop, one line per task (at most <see cref="CompactMaxTasks"/>, else no lines):
    /// <c>task-01 |  -------...===&gt;     |</c> where '-' waits for the release, '.' waits for the lock, '=' holds it,
    /// '&gt;' is the lock's release and 'x' a failure; then a scale line and a legend. Time runs from the loop's
    /// first event to its last over <paramref name="width"/> columns; a phase always gets at least one column, so
    /// the order of phases shows even when they are shorter than a column; a phase a failure ended early is drawn
    /// up to the failure.
    /// </summary>
    public static IReadOnlyList<string> Compact(TimelineData data, int loop, int width = 60)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 20);
        var loopEvents = data.Events.Where(e => e.Loop == loop).ToList();
        var tasks = LaneOrder(data, loopEvents);
        if (tasks.Count == 0 || tasks.Count > CompactMaxTasks) return [];

        var start = loopEvents.Count == 0 ? 0 : loopEvents.Min(e => e.TimeUs);
        var end = loopEvents.Count == 0 ? 0 : loopEvents.Max(e => e.TimeUs);
        var span = Math.Max(1, end - start);
        // Four columns of slack after the scale: three minimum-width phases and the end mark.
        var scale = width - 4;
        int Column(long timeUs) => (int)Math.Round((double)(timeUs - start) / span * scale);

        var byTask = loopEvents.Where(e => e.Task is not null).ToLookup(e => e.Task!);
        var labelWidth = tasks.Max(t => t.Length);
        var lines = new List<string>(tasks.Count + 2);
        foreach (var task in tasks)
        {
            var row = Enumerable.Repeat(' ', width).ToArray();
            var phases = TaskPhases.Of(byTask[task]);
            var position = phases.Ready is { } ready ? Column(ready) : 0;
            long? previousEnd = null;
            foreach (var (mark, from, to) in new[]
                     {
                         ('-', phases.Ready, phases.Released),
                         ('.', phases.LockRequested, phases.LockAcquired),
                         ('=', phases.LockAcquired, phases.LockReleased),
                     })
            {
                // A phase a failure cut short lasts until the failure.
                if (from is not { } f || (to ?? phases.Failed) is not { } t) continue;
                // A gap shorter than a column is rounding, not a pause: the phase follows on.
                var first = previousEnd is { } p && f - p < (double)span / scale ? position : Math.Max(Column(f), position);
                var last = Math.Max(Column(t), first + 1);
                for (var c = first; c < last; c++) row[c] = mark;
                position = last;
                previousEnd = t;
            }
            if (phases.Failed is { } failed) row[Math.Max(Column(failed), position)] = 'x';
            else if (phases.LockReleased is not null) row[position] = '>';
            lines.Add(task.PadRight(labelWidth) + " |" + new string(row) + "|");
        }

        var left = "0 ms";
        var right = Ms(end - start) + " ms";
        var gap = Math.Max(1, width - left.Length - right.Length);
        lines.Add(new string(' ', labelWidth) + " |" + left + new string(' ', gap) + right + "|");
        lines.Add(new string(' ', labelWidth) + "  - waiting for release  . waiting for the lock  = holding it  > released  x failed");
        return lines;
    }

    /// <summary>Tasks in lane order: the nodes' order, then any task the loop's events name that no node lists.</summary>
    internal static IReadOnlyList<string> LaneOrder(TimelineData data, IEnumerable<TimelineEvent> loopEvents)
    {
        var tasks = data.Nodes.SelectMany(n => n.Tasks).ToList();
        var known = tasks.ToHashSet();
        foreach (var e in loopEvents)
            if (e.Task is { } t && known.Add(t)) tasks.Add(t);
        return tasks;
    }

    internal static string Ms(long timeUs) => (timeUs / 1000.0).ToString("0.000", Invariant);

    /// <summary>When a task reached each phase in one loop (the first such event), in microseconds.</summary>
    internal sealed record TaskPhases(long? Ready, long? Released, long? LockRequested, long? LockAcquired, long? LockReleased, long? Failed)
    {
        public static TaskPhases Of(IEnumerable<TimelineEvent> events)
        {
            var first = new Dictionary<string, long>();
            foreach (var e in events) first.TryAdd(e.Event, e.TimeUs);
            long? At(string name) => first.TryGetValue(name, out var t) ? t : null;
            return new TaskPhases(At("ready"), At("released"), At("lock-requested"), At("lock-acquired"), At("lock-released"), At("failed"));
        }
    }
}
