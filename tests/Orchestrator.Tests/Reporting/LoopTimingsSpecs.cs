using ActorRunner.Messages;
using ActorRunner.Orchestrator.Reporting;

namespace ActorRunner.Orchestrator.Tests.Reporting;

public sealed class LoopTimingsSpecs
{
    private const int Precision = 9;
    private const long T0 = 1_700_000_000_000_000;

    private static TaskReport Report(string task, TaskOutcome outcome, long released, long requested, long acquired, long lockReleased) =>
        new(1, task, "node-1", outcome, 0, 1, new TaskPhases(T0 - 1000, released, requested, acquired, 0, 0, lockReleased), outcome switch
        {
            TaskOutcome.Committed => TaskFailure.None,
            TaskOutcome.Indeterminate => TaskFailure.ActionFailed,
            _ => TaskFailure.LockTimeout,
        }, null);

    /// <summary>Three tasks that took the lock one after another, each holding it 500 µs.</summary>
    private static List<TaskReport> ThreeInTurn() =>
    [
        Report("task-1", TaskOutcome.Committed, T0, T0 + 10, T0 + 20, T0 + 520),
        Report("task-2", TaskOutcome.Committed, T0 + 300, T0 + 310, T0 + 520, T0 + 1020),
        Report("task-3", TaskOutcome.Committed, T0 + 1000, T0 + 1010, T0 + 1020, T0 + 1520),
    ];

    [Fact]
    public void No_reports_give_empty_timings()
    {
        var timings = LoopTimings.From([]);

        Assert.Equal(Percentiles.Empty, timings.ReleaseSpreadMs);
        Assert.Equal(Percentiles.Empty, timings.LockWaitMs);
        Assert.Equal(Percentiles.Empty, timings.HoldMs);
        Assert.Equal(0, timings.CriticalSectionsPerSecond);
    }

    [Fact]
    public void Release_spread_is_measured_from_the_first_task_to_resume()
    {
        // Offsets 0, 0.3 and 1.0 ms: p50 0.3; p99 at rank 1.98 = 0.3 + 0.98 x 0.7.
        var timings = LoopTimings.From(ThreeInTurn());

        Assert.Equal(0.3, timings.ReleaseSpreadMs.P50, Precision);
        Assert.Equal(0.986, timings.ReleaseSpreadMs.P99, Precision);
        Assert.Equal(1.0, timings.ReleaseSpreadMs.Max, Precision);
    }

    [Fact]
    public void A_task_never_released_does_not_count_in_the_spread()
    {
        var reports = new List<TaskReport>
        {
            Report("task-1", TaskOutcome.Committed, T0 + 400, T0 + 410, T0 + 420, T0 + 500),
            Report("task-2", TaskOutcome.Committed, T0, T0 + 10, T0 + 20, T0 + 100),
            Report("task-3", TaskOutcome.Failed, 0, 0, 0, 0),
        };

        var timings = LoopTimings.From(reports);

        Assert.Equal(0.2, timings.ReleaseSpreadMs.P50, Precision);
        Assert.Equal(0.4, timings.ReleaseSpreadMs.Max, Precision);
    }

    [Fact]
    public void Lock_wait_and_hold_come_from_each_task_own_timestamps()
    {
        // Waits 0.01, 0.21 and 0.01 ms; holds 0.5 ms each. A task that timed out waiting has neither.
        var reports = ThreeInTurn();
        reports.Add(Report("task-4", TaskOutcome.Failed, T0 + 100, T0 + 110, 0, 0));

        var timings = LoopTimings.From(reports);

        Assert.Equal(0.01, timings.LockWaitMs.P50, Precision);
        Assert.Equal(0.206, timings.LockWaitMs.P99, Precision);
        Assert.Equal(0.21, timings.LockWaitMs.Max, Precision);
        Assert.Equal(0.5, timings.HoldMs.P50, Precision);
        Assert.Equal(0.5, timings.HoldMs.Max, Precision);
    }

    [Fact]
    public void The_rate_is_committed_sections_over_the_window_from_first_acquire_to_last_release()
    {
        // Three sections between T0 + 20 and T0 + 1520: 3 / 1.5 ms = 2000 a second.
        var timings = LoopTimings.From(ThreeInTurn());

        Assert.Equal(2000, timings.CriticalSectionsPerSecond, Precision);
    }

    [Fact]
    public void A_task_that_held_the_lock_but_did_not_commit_counts_in_the_hold_but_not_in_the_rate()
    {
        var reports = ThreeInTurn();
        reports.Add(Report("task-4", TaskOutcome.Indeterminate, T0 + 200, T0 + 210, T0 + 1520, T0 + 3520));

        var timings = LoopTimings.From(reports);

        Assert.Equal(2000, timings.CriticalSectionsPerSecond, Precision);
        Assert.Equal(2.0, timings.HoldMs.Max, Precision);
    }

    [Fact]
    public void A_zero_width_window_gives_no_rate_rather_than_infinity()
    {
        var timings = LoopTimings.From([Report("task-1", TaskOutcome.Committed, T0, T0, T0 + 5, T0 + 5)]);

        Assert.Equal(0, timings.CriticalSectionsPerSecond);
    }
}
