using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Timeline;

/// <summary>
/// A made-up loop of 8 tasks without a lock, on two nodes: task-3 and task-8 both read 0 before either wrote;
/// task-3 wrote 1, then task-8 wrote 1 over it. The other six took turns (1..6) after task-8's write. The messages
/// of the loop are there too (PrepareLoop, TasksReady, Release, a TaskReport per task).
/// </summary>
public static class LostUpdateTimeline
{
    public const string Lost = "task-3";
    public const string By = "task-8";

    public static IReadOnlyList<string> Tasks { get; } = Enumerable.Range(1, 8).Select(i => $"task-{i}").ToList();

    public static string NodeOf(string task) => int.Parse(task["task-".Length..]) <= 4 ? "node-1" : "node-2";

    public static TimelineData Create()
    {
        const int loop = 1;
        var events = new List<TimelineEvent>();
        foreach (var node in new[] { "node-1", "node-2" })
        {
            events.Add(new(1_000, "orchestrator", loop, null, "sent", "PrepareLoop", "orchestrator", node));
            events.Add(new(1_100, node, loop, null, "received", "PrepareLoop", "orchestrator", node));
            events.Add(new(1_400, "orchestrator", loop, null, "received", "TasksReady", node, "orchestrator"));
            events.Add(new(1_500, "orchestrator", loop, null, "sent", "Release", "orchestrator", node));
            events.Add(new(1_700, node, loop, null, "received", "Release", "orchestrator", node));
            events.Add(new(4_000, node, loop, null, "gate-opened"));
        }
        var at = 4_000L;
        void Task(string task, long read, long readAt, long writeAt)
        {
            var node = NodeOf(task);
            events.Add(new(1_200, node, loop, task, "ready"));
            events.Add(new(4_001, node, loop, task, "released"));
            events.Add(new(4_002, node, loop, task, "lock-requested"));
            events.Add(new(4_003, node, loop, task, "lock-acquired"));
            events.Add(new(readAt, node, loop, task, "read", Value: read));
            events.Add(new(writeAt, node, loop, task, "written", Value: read + 1));
            events.Add(new(writeAt + 5, node, loop, task, "lock-released"));
            events.Add(new(writeAt + 300, "orchestrator", loop, task, "received", "TaskReport", node, "orchestrator"));
        }
        Task(Lost, 0, at + 10, at + 100);
        Task(By, 0, at + 20, at + 200);
        var value = 1L;
        var t = at + 300;
        foreach (var task in Tasks.Where(x => x != Lost && x != By))
        {
            Task(task, value++, t, t + 50);
            t += 100;
        }
        events.Add(new(t + 1_000, "orchestrator", loop, null, "loop-verdict", Detail: "violated"));
        var nodes = new[] { "node-1", "node-2" }.Select(n => new TimelineNode(n, Tasks.Where(x => NodeOf(x) == n).ToList(), 0, 0)).ToList();
        var summary = new TimelineLoop(loop, "violated", 8, [new[] { Lost, By }], "counter = 7, expected 8", 0.003, 0.002, 0.003, 0.01, 0.02, 1000);
        var data = new TimelineData("20260101-120000-lost-update", "violated", nodes, [summary], events.OrderBy(e => e.TimeUs).ToList());
        return TimelineBuilder.WithInterleaving(data);
    }
}
