using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Timeline;

/// <summary>
/// A made-up verified loop of six tasks on two nodes whose three orders all differ: by node (a, b, c on node-1;
/// d, e, f on node-2), by the instant each was released, and by the order they took the lock.
/// </summary>
public static class OrderedTimeline
{
    public static IReadOnlyList<string> ByNode { get; } = ["task-a", "task-b", "task-c", "task-d", "task-e", "task-f"];
    public static IReadOnlyList<string> ByRelease { get; } = ["task-f", "task-b", "task-d", "task-a", "task-e", "task-c"];
    public static IReadOnlyList<string> ByLock { get; } = ["task-c", "task-a", "task-f", "task-e", "task-b", "task-d"];

    public static TimelineData Create()
    {
        const int loop = 1;
        var events = new List<TimelineEvent>();
        foreach (var node in new[] { "node-1", "node-2" })
        {
            events.Add(new(1_000, "orchestrator", loop, null, "sent", "Release", "orchestrator", node));
            events.Add(new(1_200, node, loop, null, "received", "Release", "orchestrator", node));
        }
        foreach (var task in ByNode)
        {
            var node = ByNode.ToList().IndexOf(task) < 3 ? "node-1" : "node-2";
            var released = 2_000L + 10 * ByRelease.ToList().IndexOf(task);
            var holds = 3_000L + 100 * ByLock.ToList().IndexOf(task);
            var value = ByLock.ToList().IndexOf(task);
            events.Add(new(500, node, loop, task, "ready"));
            events.Add(new(released, node, loop, task, "released"));
            events.Add(new(released + 1, node, loop, task, "lock-requested"));
            events.Add(new(holds, node, loop, task, "lock-acquired"));
            events.Add(new(holds + 10, node, loop, task, "read", Value: value));
            events.Add(new(holds + 20, node, loop, task, "written", Value: value + 1));
            events.Add(new(holds + 30, node, loop, task, "lock-released"));
        }
        events.Add(new(4_000, "orchestrator", loop, null, "loop-verdict", Detail: "verified"));
        var nodes = new[] { new TimelineNode("node-1", ByNode.Take(3).ToList(), 0, 0), new TimelineNode("node-2", ByNode.Skip(3).ToList(), 0, 0) };
        var summary = new TimelineLoop(loop, "verified", 6, [], "counter = 6, expected 6", 0.05, 0.02, 0.05, 0.5, 0.6, 1000);
        return TimelineBuilder.WithInterleaving(new TimelineData("20260101-120000-ordered", "verified", nodes, [summary], events.OrderBy(e => e.TimeUs).ToList()));
    }
}
