using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Timeline;

public sealed class MessageArrowsSpecs
{
    private static IReadOnlyList<MessageArrow> Arrows() =>
        MessageArrows.Of(LostUpdateTimeline.Create().Events.Where(e => e.Loop == 1).ToList());

    [Fact]
    public void Each_sent_message_is_paired_with_its_receipt()
    {
        var releases = Arrows().Where(a => a.Message == "Release").ToList();
        Assert.Equal(["node-1", "node-2"], releases.Select(a => a.To).Order());
        Assert.All(releases, a => Assert.Equal(("orchestrator", 1_500L, 1_700L, 200L), (a.From, a.SentUs, a.ReceivedUs, a.LatencyUs)));
        Assert.Equal(2, Arrows().Count(a => a.Message == "PrepareLoop"));
    }

    [Fact]
    public void A_report_leaves_its_task_when_it_gave_up_the_lock()
    {
        var report = Arrows().Single(a => a.Message == "TaskReport" && a.FromTask == LostUpdateTimeline.Lost);
        Assert.Equal(("node-1", "orchestrator", 4_105L, 4_400L), (report.From, report.To, report.SentUs, report.ReceivedUs));
        Assert.Equal(8, Arrows().Count(a => a.Message == "TaskReport"));
    }

    [Fact]
    public void A_nodes_tasks_ready_leaves_when_its_last_task_parked()
    {
        var ready = Arrows().Where(a => a.Message == "TasksReady").ToList();
        Assert.Equal(2, ready.Count);
        Assert.All(ready, a => Assert.Equal((1_200L, 1_400L, "orchestrator"), (a.SentUs, a.ReceivedUs, a.To)));
    }

    [Fact]
    public void A_receipt_without_a_sender_is_not_drawn()
    {
        var events = new List<TimelineEvent> { new(10, "node-1", 1, null, "received", "AbortLoop", "orchestrator", "node-1") };
        Assert.Empty(MessageArrows.Of(events));
    }
}
