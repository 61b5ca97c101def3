using System.Text.RegularExpressions;
using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Timeline;

public class TimelineTextSpecs
{
    [Fact]
    public void Render_orders_events_by_time_whatever_their_order_in_the_file()
    {
        var data = SyntheticTimeline.Create();
        var shuffled = data.Events.Reverse().ToList();

        var lines = TimelineText.Render(shuffled, null, null);

        Assert.Equal(data.Events.Count, lines.Count);
        var times = lines.Select(l => double.Parse(l.TrimStart().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order().ToList(), times);
        Assert.Contains("run-started", lines[0]);
        Assert.Contains("run-ended", lines[^1]);
    }

    [Fact]
    public void Render_writes_time_in_ms_loop_node_task_event_and_what_the_event_carries()
    {
        var events = new[]
        {
            new TimelineEvent(12_345, "node-1", 1, "task-003", "lock-acquired"),
            new TimelineEvent(12_350, "node-1", 1, "task-003", "read", Value: 41),
            new TimelineEvent(12_400, "node-1", 1, "task-003", "sent", "TaskReport", "node-1", "orchestrator"),
            new TimelineEvent(12_500, "node-1", 1, "task-003", "failed", Detail: "lock timeout"),
        };

        var lines = TimelineText.Render(events, null, null);

        Assert.Equal("  12.345 ms  loop 1  node-1  task-003  lock-acquired", lines[0]);
        Assert.Equal("  12.350 ms  loop 1  node-1  task-003  read 41", lines[1]);
        Assert.Equal("  12.400 ms  loop 1  node-1  task-003  sent TaskReport node-1 -> orchestrator", lines[2]);
        Assert.Equal("  12.500 ms  loop 1  node-1  task-003  failed: lock timeout", lines[3]);
    }

    [Fact]
    public void Render_aligns_columns_when_run_level_events_have_no_loop_or_task()
    {
        var events = new[]
        {
            new TimelineEvent(5, "orchestrator", null, null, "run-started"),
            new TimelineEvent(1_234_567, "node-1", 10, "task-003", "ready"),
        };

        var lines = TimelineText.Render(events, null, null);

        Assert.Equal("     0.005 ms           orchestrator            run-started", lines[0]);
        Assert.Equal("  1234.567 ms  loop 10  node-1        task-003  ready", lines[1]);
    }

    [Fact]
    public void Render_keeps_only_the_loop_and_the_task_asked_for()
    {
        var data = SyntheticTimeline.Create();

        var loop2 = TimelineText.Render(data.Events, 2, null);
        var task = TimelineText.Render(data.Events, null, "task-1-03");
        var both = TimelineText.Render(data.Events, 2, "task-1-03");

        Assert.Equal(data.Events.Count(e => e.Loop == 2), loop2.Count);
        Assert.All(loop2, l => Assert.Contains("loop 2 ", l));
        Assert.Equal(data.Events.Count(e => e.Task == "task-1-03"), task.Count);
        Assert.All(task, l => Assert.Contains(" task-1-03 ", l));
        Assert.Contains(task, l => l.Contains("loop 1 ")); // both loops
        Assert.Equal(data.Events.Count(e => e.Task == "task-1-03" && e.Loop == 2), both.Count);
        Assert.All(both, l => Assert.Matches("loop 2 .* task-1-03 ", l));
        Assert.Empty(TimelineText.Render(data.Events, 3, null));
    }

    [Fact]
    public void Compact_draws_one_line_per_task_with_the_phases_in_order_then_a_scale()
    {
        var data = SyntheticTimeline.Create();

        var lines = TimelineText.Compact(data, 1, width: 60);

        Assert.Equal(10 + 2, lines.Count);
        var tasks = data.Nodes.SelectMany(n => n.Tasks).ToList();
        for (var i = 0; i < tasks.Count; i++)
        {
            Assert.StartsWith(tasks[i] + " |", lines[i]);
            var row = lines[i][(tasks[i].Length + 2)..];
            Assert.Equal(61, row.Length); // 60 columns and the closing bar
            Assert.Matches(@"^ *-+\.+=+> *\|$", row);
        }
        Assert.Matches(@"^ +\|0 ms +\d+\.\d{3} ms\|$", lines[10]);
        Assert.Contains("waiting for the lock", lines[11]);
    }

    [Fact]
    public void Compact_scales_time_so_a_longer_wait_draws_longer()
    {
        var data = SyntheticTimeline.Create();

        var lines = TimelineText.Compact(data, 1, width: 60);

        // Lock holders go one after the other: the last task waits longest for the lock.
        int Dots(string line) => line.Count(c => c == '.');
        Assert.True(Dots(lines[9]) > Dots(lines[0]) + 5, string.Join('\n', lines));
    }

    [Fact]
    public void Compact_marks_a_failed_task_with_x_after_its_wait()
    {
        var data = SyntheticTimeline.Create();

        var lines = TimelineText.Compact(data, 2, width: 40);

        var failed = lines.Single(l => l.StartsWith(SyntheticTimeline.FailingTask, StringComparison.Ordinal));
        Assert.Matches(@"\| *-+\.+x *\|$", failed);
    }

    [Fact]
    public void Compact_draws_nothing_for_more_than_twenty_tasks()
    {
        Assert.Empty(TimelineText.Compact(SyntheticTimeline.Create(nodes: 3, tasksPerNode: 7, loops: 1), 1));
        Assert.Equal(20 + 2, TimelineText.Compact(SyntheticTimeline.Create(nodes: 4, tasksPerNode: 5, loops: 1), 1).Count);
    }

    [Fact]
    public void Compact_lines_all_have_the_same_width()
    {
        var lines = TimelineText.Compact(SyntheticTimeline.Create(), 2, width: 30);

        Assert.Single(lines.Take(11).Select(l => l.Length).Distinct());
        Assert.Matches(new Regex(@"\|$"), lines[0]);
    }
}
