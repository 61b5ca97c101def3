using ActorRunner.Hosting;

namespace ActorRunner.Hosting.Tests;

/// <summary>The orchestrator catches stop signals before its actor is up; <see cref="RunnerHost.StopSignalLatch"/> holds them for it.</summary>
public sealed class StopSignalLatchSpecs
{
    [Fact]
    public void A_signal_caught_before_its_action_is_known_is_delivered_once_when_it_is()
    {
        using var latch = RunnerHost.CatchStopSignals();
        var told = 0;

        latch.Signal();
        latch.Signal();
        Assert.Equal(0, told);

        latch.Deliver(() => told++);
        Assert.Equal(1, told);
    }

    [Fact]
    public void Once_the_action_is_known_each_signal_calls_it_and_none_came_before()
    {
        using var latch = RunnerHost.CatchStopSignals();
        var told = 0;

        latch.Deliver(() => told++);
        Assert.Equal(0, told);

        latch.Signal();
        latch.Signal();
        Assert.Equal(2, told);
    }
}
