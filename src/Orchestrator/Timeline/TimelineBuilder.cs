using System.Text.Json;
using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Timeline;

/// <summary>
/// Puts every event of a run on one clock: the orchestrator's own events, and each task's phases and its node's
/// instants from the reports, each moved to the orchestrator's clock by its node's clock as measured for that loop
/// (<see cref="Reporting.NodeClock"/>); time-ordered.
/// </summary>
public static class TimelineBuilder
{
    public static TimelineData Build(string runId, long runStartUs, RunOutcome outcome)
    {
        var events = new List<TimelineEvent>(outcome.Events);
        foreach (var loop in outcome.Loops)
        {
            foreach (var byNode in loop.Reports.GroupBy(r => r.NodeId))
            {
                var clock = loop.ClockOf(byNode.Key);
                long At(long nodeUs) => clock.ToOrchestratorUs(nodeUs) - runStartUs;
                var first = byNode.First().Phases;
                if (first.PrepareReceivedUs > 0)
                    events.Add(new TimelineEvent(At(first.PrepareReceivedUs), byNode.Key, loop.Loop, null, "received", nameof(PrepareLoop), TimelineRecorder.Orchestrator, byNode.Key));
                if (first.ReleaseReceivedUs > 0)
                    events.Add(new TimelineEvent(At(first.ReleaseReceivedUs), byNode.Key, loop.Loop, null, "received", nameof(Release), TimelineRecorder.Orchestrator, byNode.Key));
                if (first.GateOpenedUs > 0)
                    events.Add(new TimelineEvent(At(first.GateOpenedUs), byNode.Key, loop.Loop, null, "gate-opened"));
                foreach (var report in byNode) events.AddRange(TaskEvents(report, loop.Loop, At));
            }
        }
        events.Sort((a, b) => a.TimeUs != b.TimeUs ? a.TimeUs.CompareTo(b.TimeUs) : Rank(a).CompareTo(Rank(b)));

        var timelineNodes = outcome.Nodes
            .Select(n => new TimelineNode(n.Id, n.TaskIds, n.ClockOffsetUs / 1000.0, n.ClockUncertaintyUs / 1000.0))
            .ToList();
        var loops = outcome.Loops.Select(l => new TimelineLoop(l.Loop, l.Verification.Verdict.Name(), l.Verification.Expected, l.Verification.Collisions.Select(c => c.Tasks).ToList(), l.Verification.Outcome.Summary,
            l.Timings.ReleaseSpreadMs.Max, l.Timings.ReleaseSpreadMs.P50, l.Timings.ReleaseSpreadMs.P99,
            l.Timings.LockWaitMs.P50, l.Timings.LockWaitMs.P99, l.Timings.CriticalSectionsPerSecond)).ToList();
        return WithInterleaving(new TimelineData(runId, outcome.Verdict.Name(), timelineNodes, loops, events));
    }

    /// <summary>Each loop's lost updates and message arrows, from its events.</summary>
    public static TimelineData WithInterleaving(TimelineData data)
    {
        var byLoop = data.Events.Where(e => e.Loop is not null).GroupBy(e => e.Loop!.Value).ToDictionary(g => g.Key, g => g.ToList());
        var loops = data.Loops.Select(l => byLoop.TryGetValue(l.Loop, out var loopEvents)
            ? l with { Overwrites = Interleaving.Overwrites(loopEvents), Arrows = MessageArrows.Of(loopEvents) }
            : l).ToList();
        return data with { Loops = loops };
    }

    /// <summary>One line a event, JSON, through a temporary file.</summary>
    public static void WriteJsonl(IEnumerable<TimelineEvent> events, string path)
    {
        var temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary))
        {
            foreach (var e in events) writer.WriteLine(JsonSerializer.Serialize(e, TimelineEvent.Json));
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static IEnumerable<TimelineEvent> TaskEvents(TaskReport r, int loop, Func<long, long> at)
    {
        var p = r.Phases;
        TimelineEvent E(long us, string name, long? value = null, string? detail = null) =>
            new(at(us), r.NodeId, loop, r.TaskId, name, Value: value, Detail: detail);
        if (p.ParkedUs > 0) yield return E(p.ParkedUs, "ready");
        if (p.ReleasedUs > 0) yield return E(p.ReleasedUs, "released");
        if (p.LockRequestedUs > 0) yield return E(p.LockRequestedUs, "lock-requested");
        if (p.LockAcquiredUs > 0) yield return E(p.LockAcquiredUs, "lock-acquired");
        if (p.ReadUs > 0) yield return E(p.ReadUs, "read", r.Observed);
        if (p.WrittenUs > 0) yield return E(p.WrittenUs, "written", r.Written);
        if (p.LockReleasedUs > 0) yield return E(p.LockReleasedUs, "lock-released");
        if (r.Outcome != TaskOutcome.Committed)
        {
            var last = new[] { p.LockReleasedUs, p.LockAcquiredUs, p.LockRequestedUs, p.ReleasedUs, p.ParkedUs }.Max();
            yield return E(last, "failed", detail: $"{r.Outcome.ToString().ToLowerInvariant()}: {r.Error}");
        }
    }

    // Events at the same microsecond keep the order of a task's phases.
    private static int Rank(TimelineEvent e) => e.Event switch
    {
        "ready" => 0,
        "released" => 1,
        "lock-requested" => 2,
        "lock-acquired" => 3,
        "read" => 4,
        "written" => 5,
        "lock-released" => 6,
        "failed" => 7,
        _ => 8,
    };
}
