using ActorRunner.Messages;
using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Timeline;

public sealed class TimelineRecorderSpecs
{
    [Fact]
    public void A_loop_s_events_are_held_until_taken_and_run_events_are_kept()
    {
        var recorder = new TimelineRecorder(WireClock.NowUs());
        recorder.Note("run-started", null);
        recorder.Sent(new PrepareLoop(1), "node-1", 1);
        recorder.Note("loop-verdict", 1, "verified");

        var loop1 = recorder.TakeLoop(1);

        Assert.Equal(["sent", "loop-verdict"], loop1.Select(e => e.Event));
        Assert.Equal("run-started", Assert.Single(recorder.Events).Event);
        Assert.Equal(0, recorder.HeldLoops);
    }

    [Fact]
    public void Late_events_of_a_taken_loop_are_not_held_and_stragglers_of_earlier_loops_are_dropped()
    {
        var recorder = new TimelineRecorder(WireClock.NowUs());
        recorder.Sent(new PrepareLoop(1), "node-1", 1);
        recorder.Sent(new PrepareLoop(2), "node-1", 2);
        recorder.TakeLoop(2);
        recorder.Received(new PrepareLoop(2), "node-1", 2, "task-1");

        Assert.Equal(0, recorder.HeldLoops);
        Assert.Empty(recorder.TakeLoop(3));
        Assert.Empty(recorder.Events);
    }
}
