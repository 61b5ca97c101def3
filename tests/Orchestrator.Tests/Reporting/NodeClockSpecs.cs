using ActorRunner.Messages;
using ActorRunner.Orchestrator.Reporting;

namespace ActorRunner.Orchestrator.Tests.Reporting;

/// <summary>
/// Figures from nodes whose clocks are off: node-a's runs 0.5 s ahead of the orchestrator's (offset -500 ms),
/// node-b's 0.3 s behind (offset +300 ms). The tasks truly resume 200 µs apart and take the lock in turn.
/// </summary>
public sealed class NodeClockSpecs
{
    private const int Precision = 9;
    private const long T = 1_700_000_000_000_000;
    private static readonly NodeClock Ahead = new(-500_000, 400);
    private static readonly NodeClock Behind = new(300_000, 900);

    private static readonly IReadOnlyDictionary<string, NodeClock> Clocks = new Dictionary<string, NodeClock>
    {
        ["node-a"] = Ahead,
        ["node-b"] = Behind,
    };

    /// <summary>
    /// A task that truly resumed at <paramref name="releasedUs"/> (orchestrator clock) and held the lock from
    /// <paramref name="acquiredUs"/> for 100 µs, as its node writes it: in the node's clock.
    /// </summary>
    private static TaskReport Report(string task, string node, long releasedUs, long acquiredUs)
    {
        var shift = -Clocks[node].OffsetUs;
        return new TaskReport(1, task, node, TaskOutcome.Committed, 0, 1,
            new TaskPhases(T - 1000 + shift, releasedUs + shift, releasedUs + shift, acquiredUs + shift, acquiredUs + 10 + shift,
                acquiredUs + 20 + shift, acquiredUs + 100 + shift, T - 2000 + shift, T - 900 + shift, releasedUs + shift), TaskFailure.None, null);
    }

    /// <summary>a-1 at T, b-1 at T+200, a-2 at T+400, b-2 at T+600; lock held in that order, back to back.</summary>
    private static List<TaskReport> FourTasks() =>
    [
        Report("a-1", "node-a", T, T + 1000),
        Report("b-1", "node-b", T + 200, T + 1100),
        Report("a-2", "node-a", T + 400, T + 1200),
        Report("b-2", "node-b", T + 600, T + 1300),
    ];

    [Fact]
    public void Figures_across_nodes_with_clocks_off_by_half_a_second_either_way_are_the_true_ones()
    {
        var timings = LoopTimings.From(FourTasks(), Clocks);

        Assert.Equal(0.6, timings.ReleaseSpreadMs.Max, Precision);
        Assert.Equal(0.3, timings.ReleaseSpreadMs.P50, Precision);
        // Each node's first task: a-1 at T, b-1 at T+200.
        Assert.Equal(0.2, timings.FirstResumeSpreadMs, Precision);
        // Four critical sections from T+1000 to T+1400.
        Assert.Equal(4 / 400e-6, timings.CriticalSectionsPerSecond, 6);
        Assert.Equal(0.1, timings.HoldMs.Max, Precision);
    }

    [Fact]
    public void The_same_reports_taken_in_the_nodes_own_clocks_are_off_by_the_clock_difference()
    {
        // What the figures were before every instant was moved to one clock: 800 ms of spread that never happened.
        var timings = LoopTimings.From(FourTasks());

        Assert.Equal(800.2, timings.ReleaseSpreadMs.Max, Precision);
        Assert.Equal(799.8, timings.FirstResumeSpreadMs, Precision);
    }

    [Fact]
    public void An_offset_within_its_uncertainty_is_not_applied_and_a_phase_not_reached_stays_unset()
    {
        var close = new NodeClock(300, 900);

        Assert.Equal(0, close.AppliedOffsetUs);
        Assert.Equal(T, close.ToOrchestratorUs(T));
        Assert.Equal(T + 300_000, Behind.ToOrchestratorUs(T));
        Assert.Equal(0, Behind.ToOrchestratorUs(0));
        var moved = Behind.ToOrchestrator(new TaskReport(1, "t", "node-b", TaskOutcome.Failed, -1, -1, new TaskPhases(T, 0, 0, 0, 0, 0, 0), TaskFailure.LockTimeout, "x"));
        Assert.Equal(new TaskPhases(T + 300_000, 0, 0, 0, 0, 0, 0), moved.Phases);
    }

    [Fact]
    public void A_node_with_no_measured_clock_is_taken_as_is()
    {
        var reports = NodeClock.ToOrchestrator([Report("a-1", "node-a", T, T + 1000) with { NodeId = "node-c" }], Clocks);

        Assert.Equal(T - Ahead.OffsetUs, reports[0].Phases.ReleasedUs);
    }

    [Theory]
    [InlineData(300_000, 900, 300_500, 600, null)] // moved 0.5 ms, within 1.5 ms of uncertainty together
    [InlineData(300_000, 900, 301_600, 600, -1600L)] // moved 1.6 ms: the node's clock stepped 1.6 ms back
    [InlineData(300_000, 200, -700_000, 200, 1_000_000L)] // stepped 1 s forward
    [InlineData(-500_000, 400, -500_000, 5000, null)]
    public void A_step_is_a_move_of_the_offset_larger_than_both_uncertainties(long before, long beforeUncertainty, long after, long afterUncertainty, long? step)
    {
        Assert.Equal(step, NodeClock.StepUs(new NodeClock(before, beforeUncertainty), new NodeClock(after, afterUncertainty)));
    }

    [Fact]
    public void A_step_says_which_node_when_and_how_much()
    {
        var text = new ClockStep("node-b", 4, 1000.25, 0.4).Describe();

        Assert.Equal("clock of node-b stepped by +1000.25 ms (+/- 0.4 ms) before loop 4: loop 4 on uses the new offset; loop 3's figures involving node-b may mix both clocks", text);
    }

    [Fact]
    public void A_narrower_measurement_that_agrees_stands_until_a_new_one_disagrees()
    {
        var good = new NodeClock(300_000, 200);
        var busy = new NodeClock(302_000, 4000); // a probe delayed on a busy machine: agrees, but says less

        Assert.Equal(good, NodeClock.Better(good, busy));
        Assert.Equal(new NodeClock(300_100, 150), NodeClock.Better(good, new NodeClock(300_100, 150)));
        // A minute on, the clocks may have drifted 3 ms apart: the old measurement is that much less certain.
        Assert.Equal(new NodeClock(300_000, 3200), good.Aged(60_000_000));
        var stepped = new NodeClock(-700_000, 4000);
        Assert.Equal(stepped, NodeClock.Better(good, stepped));
    }
}
