using System.Collections.Concurrent;
using ActorRunner.Messages;
using ActorRunner.TaskNode.Tasks;

namespace ActorRunner.TaskNode.Tests.Tasks;

public sealed class LoopRoundSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Only_the_last_task_to_park_tells_the_orchestrator_once_with_the_nodes_instants()
    {
        const int tasks = 32;
        var ready = new ConcurrentQueue<TasksReady>();
        var before = WireClock.NowUs();
        var round = new LoopRound(4, ReleaseWait.Wake, tasks, "node-2", ready.Enqueue, _ => { });

        // Every task parks at once, from threads of its own.
        using var start = new ManualResetEventSlim();
        var parking = Enumerable.Range(0, tasks).Select(_ => Task.Factory.StartNew(() => { start.Wait(Bound); round.Parked(); }, TaskCreationOptions.LongRunning)).ToList();
        start.Set();
        await Task.WhenAll(parking).WaitAsync(Bound);

        var told = Assert.Single(ready);
        Assert.Equal((4, "node-2", round.PrepareReceivedUs), (told.Loop, told.NodeId, told.PrepareReceivedUs));
        Assert.InRange(round.PrepareReceivedUs, before, told.ReadyAtUs);
        Assert.InRange(told.ReadyAtUs, round.PrepareReceivedUs, WireClock.NowUs());
        // The time between, on the monotonic clock: no more than the real-time clock saw pass (1 ms for the two clocks' readings).
        Assert.InRange(told.ElapsedUs, 0, WireClock.NowUs() - round.PrepareReceivedUs + 1_000);
    }

    [Fact]
    public void No_word_before_every_task_has_parked()
    {
        var ready = new List<TasksReady>();
        var round = new LoopRound(1, ReleaseWait.Spin, 3, "node-1", ready.Add, _ => { });

        round.Parked();
        round.Parked();

        Assert.Empty(ready);
        Assert.Equal(ReleaseWait.Spin, round.Gate.Mode);
        Assert.Equal(1, round.Gate.Loop);
    }

    [Fact]
    public async Task A_report_goes_out_stamped_with_the_loops_instants_on_the_node_and_the_tasks_own_kept()
    {
        var sent = new List<TaskReport>();
        var round = new LoopRound(2, ReleaseWait.Spin, 1, "node-1", _ => { }, sent.Add);
        var at = WireClock.NowUs();
        round.ReleaseReceivedUs = at - 5;
        round.Gate.OpenAt(at);
        Assert.True(await Task.Run(() => round.Gate.Wait(Bound, CancellationToken.None)).WaitAsync(Bound));

        round.Report(new TaskReport(2, "task-1", "node-1", TaskOutcome.Committed, 3, 4, new TaskPhases(1, 2, 3, 4, 5, 6, 7), TaskFailure.None, null));

        var report = Assert.Single(sent);
        Assert.Equal((round.PrepareReceivedUs, at - 5, round.Gate.OpenedUs), (report.Phases.PrepareReceivedUs, report.Phases.ReleaseReceivedUs, report.Phases.GateOpenedUs));
        Assert.Equal(at, report.Phases.GateOpenedUs); // a spinning gate opens at the instant itself
        Assert.Equal(new TaskPhases(1, 2, 3, 4, 5, 6, 7), report.Phases with { PrepareReceivedUs = 0, ReleaseReceivedUs = 0, GateOpenedUs = 0 });
        Assert.Equal((2, "task-1", 3L, 4L), (report.Loop, report.TaskId, report.Observed, report.Written));
    }
}
