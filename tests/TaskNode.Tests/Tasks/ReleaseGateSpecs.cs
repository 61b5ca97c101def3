using ActorRunner.Messages;
using ActorRunner.TaskNode.Tasks;

namespace ActorRunner.TaskNode.Tests.Tasks;

public sealed class ReleaseGateSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Parks <paramref name="count"/> threads at the gate; each gives the clock when it left, or -1 when Wait said false.</summary>
    private static List<Task<long>> Park(ReleaseGate gate, int count, CancellationToken stopping = default) =>
        Park(gate, count, out _, stopping);

    /// <summary>
    /// As <see cref="Park(ReleaseGate, int, CancellationToken)"/>; <paramref name="atTheGate"/> completes once every
    /// thread has come to the gate (each says so just before it waits there).
    /// </summary>
    private static List<Task<long>> Park(ReleaseGate gate, int count, out Task atTheGate, CancellationToken stopping = default, bool realTime = false)
    {
        var arrivals = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        atTheGate = Task.WhenAll(arrivals.Select(a => a.Task)).WaitAsync(Bound);
        return arrivals.Select(arrived => Task.Factory.StartNew(() =>
        {
            arrived.SetResult();
            return gate.Wait(Bound, stopping, realTime) ? WireClock.NowUs() : -1;
        }, TaskCreationOptions.LongRunning)).ToList();
    }

    [Fact]
    public void A_thread_at_real_time_priority_spins_a_shorter_stretch_before_the_instant()
    {
        Assert.Equal(Protocol.RealTimeSpinStretchUs, ReleaseGate.SpinStretchUs(realTime: true));
        Assert.Equal(Protocol.ReleaseSpinStretchUs, ReleaseGate.SpinStretchUs(realTime: false));
        Assert.True(ReleaseGate.SpinStretchUs(realTime: true) < ReleaseGate.SpinStretchUs(realTime: false));
    }

    [Theory]
    [InlineData(ReleaseWait.Spin, false)]
    [InlineData(ReleaseWait.Spin, true)]
    [InlineData(ReleaseWait.Wake, false)]
    public async Task No_task_leaves_before_the_instant(ReleaseWait mode, bool shortStretch)
    {
        var gate = new ReleaseGate(1, mode);
        var tasks = Park(gate, 2, out var atTheGate, realTime: shortStretch);
        await atTheGate;
        Assert.All(tasks, t => Assert.False(t.IsCompleted));
        var at = WireClock.NowUs() + 30_000;
        gate.OpenAt(at);
        var left = await Task.WhenAll(tasks).WaitAsync(Bound);
        Assert.All(left, us => Assert.True(us >= at, $"left at {us}, {at - us} us before the instant"));
        Assert.False(gate.IsAborted);
        Assert.True(gate.OpenedUs >= at);
    }

    [Fact]
    public async Task In_spin_mode_the_gate_opens_at_the_instant_itself()
    {
        var gate = new ReleaseGate(1, ReleaseWait.Spin);
        var tasks = Park(gate, 1);
        var at = WireClock.NowUs() + 20_000;
        gate.OpenAt(at);
        await Task.WhenAll(tasks).WaitAsync(Bound);
        Assert.Equal(at, gate.OpenedUs);
    }

    [Theory]
    [InlineData(ReleaseWait.Spin)]
    [InlineData(ReleaseWait.Wake)]
    public async Task An_abort_before_the_last_stretch_calls_the_loop_off(ReleaseWait mode)
    {
        var gate = new ReleaseGate(1, mode);
        var tasks = Park(gate, 2, out var atTheGate);
        gate.OpenAt(WireClock.NowUs() + 5_000_000);
        await atTheGate;
        Assert.True(gate.Abort("a node was lost"));
        var left = await Task.WhenAll(tasks).WaitAsync(Bound);
        Assert.All(left, us => Assert.True(us > 0));
        Assert.True(gate.IsAborted);
        Assert.Equal("a node was lost", gate.AbortReason);
        Assert.Equal(0, gate.OpenedUs);
    }

    [Theory]
    [InlineData(ReleaseWait.Spin)]
    [InlineData(ReleaseWait.Wake)]
    public async Task An_abort_after_the_gate_opened_changes_nothing(ReleaseWait mode)
    {
        var gate = new ReleaseGate(1, mode);
        var tasks = Park(gate, 1);
        gate.OpenAt(WireClock.NowUs());
        await Task.WhenAll(tasks).WaitAsync(Bound);
        Assert.False(gate.Abort("too late"));
        Assert.False(gate.IsAborted);
    }

    [Fact]
    public async Task A_release_whose_instant_has_passed_lets_the_tasks_go_at_once()
    {
        var gate = new ReleaseGate(1, ReleaseWait.Spin);
        var tasks = Park(gate, 2);
        var before = WireClock.NowUs();
        gate.OpenAt(before - 10_000);
        var left = await Task.WhenAll(tasks).WaitAsync(Bound);
        Assert.All(left, us => Assert.True(us >= before));
        Assert.False(gate.IsAborted);
    }

    [Fact]
    public async Task A_task_that_parks_after_the_gate_opened_waits_for_the_instant_too()
    {
        var gate = new ReleaseGate(1, ReleaseWait.Spin);
        var at = WireClock.NowUs() + 20_000;
        gate.OpenAt(at);
        var left = await Task.WhenAll(Park(gate, 1)).WaitAsync(Bound);
        Assert.True(left[0] >= at);
    }

    [Fact]
    public async Task A_stopping_node_lets_its_parked_tasks_go_without_a_release()
    {
        using var stopping = new CancellationTokenSource();
        var gate = new ReleaseGate(1, ReleaseWait.Spin);
        var tasks = Park(gate, 1, out var atTheGate, stopping.Token);
        await atTheGate;
        stopping.Cancel();
        var left = await Task.WhenAll(tasks).WaitAsync(Bound);
        Assert.Equal(-1, left[0]);
    }

    [Theory]
    [InlineData(ReleaseWait.Spin)]
    [InlineData(ReleaseWait.Wake)]
    public void A_gate_never_opened_lets_a_task_go_after_its_timeout_saying_it_was_not_released(ReleaseWait mode)
    {
        var gate = new ReleaseGate(1, mode);
        var timeout = TimeSpan.FromMilliseconds(100);
        var waited = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(gate.Wait(timeout, CancellationToken.None));

        Assert.True(waited.Elapsed >= timeout - TimeSpan.FromMilliseconds(1), $"left after {waited.Elapsed.TotalMilliseconds} ms");
        Assert.Equal((0L, false, (string?)null), (gate.OpenedUs, gate.IsAborted, gate.AbortReason));
    }
}
