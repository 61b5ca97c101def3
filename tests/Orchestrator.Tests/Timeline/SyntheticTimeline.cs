using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Timeline;

/// <summary>
/// A made-up run shaped like a real one: per loop PrepareLoop out, TasksReady back, one release, every task through
/// its phases one lock holder at a time, TaskReport back. Loop 1 has a collision (two tasks read the same value);
/// loop 2 has a task that times out waiting for the lock.
/// </summary>
public static class SyntheticTimeline
{
    public const string CollidingA = "task-1-02";
    public const string CollidingB = "task-2-03";
    public const string FailingTask = "task-2-05";

    public static string TaskId(int node, int task) => $"task-{node}-{task:00}";

    public static TimelineData Create(int nodes = 2, int tasksPerNode = 5, int loops = 2)
    {
        var events = new List<TimelineEvent> { new(0, "orchestrator", null, null, "run-started") };
        var nodeList = Enumerable.Range(1, nodes)
            .Select(n => new TimelineNode($"node-{n}", Enumerable.Range(1, tasksPerNode).Select(t => TaskId(n, t)).ToList(), 0.01 * n, 0.005))
            .ToList();
        foreach (var node in nodeList) events.Add(new(500, "orchestrator", null, null, "registered", Detail: node.Node));

        var summaries = new List<TimelineLoop>();
        for (var loop = 1; loop <= loops; loop++)
        {
            var t = loop * 1_000_000L;
            var collision = loop == 1 && nodes >= 2 && tasksPerNode >= 3;
            var failing = loop == 2 && nodes >= 2 && tasksPerNode >= 5 ? FailingTask : null;
            foreach (var node in nodeList)
            {
                events.Add(Message(t, "orchestrator", "sent", "PrepareLoop", "orchestrator", node.Node, loop));
                events.Add(Message(t + 100, node.Node, "received", "PrepareLoop", "orchestrator", node.Node, loop));
            }
            var i = 0;
            foreach (var node in nodeList)
            {
                foreach (var task in node.Tasks) events.Add(new(t + 200 + 3 * i++, node.Node, loop, task, "ready"));
                events.Add(Message(t + 200 + 3 * i, node.Node, "sent", "TasksReady", node.Node, "orchestrator", loop));
                events.Add(Message(t + 250 + 3 * i, "orchestrator", "received", "TasksReady", node.Node, "orchestrator", loop));
            }
            var release = t + 700 + 3 * i;
            foreach (var node in nodeList)
            {
                events.Add(Message(release - 50, "orchestrator", "sent", "Release", "orchestrator", node.Node, loop));
                events.Add(Message(release - 20, node.Node, "received", "Release", "orchestrator", node.Node, loop));
                events.Add(new(release, node.Node, loop, null, "gate-opened"));
            }

            var holder = release + 10;
            long value = 0;
            i = 0;
            foreach (var node in nodeList)
            {
                foreach (var task in node.Tasks)
                {
                    var released = release + 1 + i++ % 7;
                    events.Add(new(released, node.Node, loop, task, "released"));
                    events.Add(new(released + 2, node.Node, loop, task, "lock-requested"));
                    if (task == failing)
                    {
                        events.Add(new(released + 9000, node.Node, loop, task, "failed", Detail: "lock timeout after 9 ms"));
                        continue;
                    }
                    var read = collision && task == CollidingB ? 1 : value;
                    events.Add(new(holder, node.Node, loop, task, "lock-acquired"));
                    events.Add(new(holder + 5, node.Node, loop, task, "read", Value: read));
                    events.Add(new(holder + 20, node.Node, loop, task, "written", Value: read + 1));
                    events.Add(new(holder + 30, node.Node, loop, task, "lock-released"));
                    events.Add(new(holder + 40, node.Node, loop, task, "reported"));
                    events.Add(Message(holder + 41, node.Node, "sent", "TaskReport", node.Node, "orchestrator", loop, task));
                    events.Add(Message(holder + 300, "orchestrator", "received", "TaskReport", node.Node, "orchestrator", loop, task));
                    holder += 31;
                    value = read + 1;
                }
            }
            var end = Math.Max(holder, failing is null ? 0 : release + 9100) + 400;
            var expected = nodes * tasksPerNode;
            var verdict = collision ? "violated" : failing is not null ? "inconclusive" : "verified";
            var collisions = collision ? new List<IReadOnlyList<string>> { new[] { CollidingA, CollidingB } } : [];
            events.Add(new(end, "orchestrator", loop, null, "loop-verdict", Detail: verdict));
            var counter = collision || failing is not null ? expected - 1 : expected;
            summaries.Add(new TimelineLoop(loop, verdict, expected,
                collisions, $"counter = {counter}, expected {expected}", 0.007, 0.004, 0.0069, 0.12, 0.3, 30_000));
        }
        events.Add(new((loops + 1) * 1_000_000L, "orchestrator", null, null, "run-ended"));
        var runVerdict = summaries.Any(s => s.Verdict == "violated") ? "violated" : summaries.All(s => s.Verdict == "verified") ? "verified" : "inconclusive";
        return new TimelineData("20260101-120000-synthetic", runVerdict, nodeList, summaries, events.OrderBy(e => e.TimeUs).ToList());
    }

    private static TimelineEvent Message(long time, string at, string what, string message, string from, string to, int loop, string? task = null) =>
        new(time, at, loop, task, what, message, from, to);
}
