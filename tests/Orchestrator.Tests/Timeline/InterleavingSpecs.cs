using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Timeline;

public sealed class InterleavingSpecs
{
    private static IEnumerable<TimelineEvent> Task(string task, long read, long readAt, long written, long writeAt) =>
    [
        new(readAt, "node-1", 1, task, "read", Value: read),
        new(writeAt, "node-1", 1, task, "written", Value: written),
    ];

    [Fact]
    public void Writes_that_each_read_the_one_before_lose_nothing()
    {
        var events = Task("task-1", 0, 10, 1, 20).Concat(Task("task-2", 1, 30, 2, 40)).Concat(Task("task-3", 2, 50, 3, 60));
        Assert.Empty(Interleaving.Overwrites(events));
    }

    [Fact]
    public void Two_tasks_that_read_before_either_wrote_lose_the_first_write()
    {
        var events = Task("task-8", 0, 12, 1, 200).Concat(Task("task-3", 0, 10, 1, 100));

        var o = Assert.Single(Interleaving.Overwrites(events));

        Assert.Equal(("task-3", 1L, 100L), (o.Lost, o.LostValue, o.LostAtUs));
        Assert.Equal(("task-8", 0L, 1L, 200L), (o.By, o.ByRead, o.Value, o.ByAtUs));
        Assert.Equal(["task-3", "task-8"], Interleaving.Involved([o]));
    }

    [Fact]
    public void A_write_over_one_of_the_same_value_is_still_lost_when_it_was_never_seen()
    {
        // task-2 read 1 (task-1's) early; task-3 read 0 and wrote 1 later; task-2's write of 2 then replaced task-3's 1,
        // and task-3's replaced task-1's: the values alone (task-2 read 1, the write before it was a 1) would hide the first.
        var events = Task("task-1", 0, 10, 1, 20).Concat(Task("task-2", 1, 25, 2, 90)).Concat(Task("task-3", 0, 5, 1, 60));

        var overwrites = Interleaving.Overwrites(events);

        Assert.Equal([("task-1", "task-3"), ("task-3", "task-2")], overwrites.Select(o => (o.Lost, o.By)));
    }

    [Fact]
    public void A_task_that_never_wrote_is_left_out()
    {
        var events = Task("task-1", 0, 10, 1, 20).Append(new TimelineEvent(15, "node-1", 1, "task-2", "read", Value: 0));
        Assert.Empty(Interleaving.Overwrites(events));
    }
}

public sealed class CollisionTextSpecs
{
    [Fact]
    public void The_text_view_prints_the_involved_tasks_in_time_order_then_whose_write_was_lost()
    {
        var lines = TimelineText.Collisions(LostUpdateTimeline.Create().Events, 1);

        var involved = lines.TakeWhile(l => l.Length > 0).ToList();
        Assert.All(involved, l => Assert.Matches($"({LostUpdateTimeline.Lost}|{LostUpdateTimeline.By})  ", l));
        Assert.Contains(involved, l => l.Contains("task-3  read 0"));
        Assert.True(involved.FindIndex(l => l.Contains("task-3  written 1")) < involved.FindIndex(l => l.Contains("task-8  written 1")));
        Assert.Equal("  task-8 (read 0) wrote 1 at 4.200 ms over task-3's 1 (written at 4.100 ms): task-3's update is lost", lines[^1]);
        Assert.Equal("  task-3, task-8 read the same value, 0: a collision", lines[^2]);
    }

    [Fact]
    public void The_tasks_that_read_the_same_value_are_grouped_by_value_and_a_task_that_failed_is_left_out()
    {
        var events = LostUpdateTimeline.Create().Events.Where(e => e.Loop == 1).ToList();
        var same = Assert.Single(Interleaving.SameReads(events));
        Assert.Equal(0, same.Value);
        Assert.Equal(["task-3", "task-8"], same.Tasks);

        var failed = events.Append(new TimelineEvent(9_999, "node-2", 1, "task-8", "failed", Detail: "aborted")).ToList();
        Assert.Empty(Interleaving.SameReads(failed));
    }

    [Fact]
    public void A_loop_without_lost_updates_prints_nothing()
    {
        Assert.Empty(TimelineText.Collisions(SyntheticTimeline.Create().Events, 2));
    }
}
