using ActorRunner.Messages;
using ActorRunner.Scenarios;
using ActorRunner.TaskNode.Capacity;
using ActorRunner.TaskNode.Locking;
using ActorRunner.TaskNode.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorRunner.TaskNode.Tests.Tasks;

/// <summary>One task under a real file lock: each way its attempt can end, and the failure kind its report carries.</summary>
public sealed class TaskWorkerSpecs : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMilliseconds(300);

    private readonly string _folder = Directory.CreateTempSubdirectory("task-worker-specs-").FullName;
    private readonly string _lockPath;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IDisposable> _opened = [];

    public TaskWorkerSpecs() => _lockPath = Path.Combine(_folder, "counter.lock");

    public void Dispose()
    {
        _stopping.Cancel();
        for (var i = _opened.Count - 1; i >= 0; i--) _opened[i].Dispose();
        _stopping.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A scenario's task that does what it is told in the critical action.</summary>
    private sealed class ScriptedTask(Func<ActionResult> action) : IScenarioTask
    {
        public ActionResult RunTask(TaskContext context) => action();
        public void Dispose() { }
    }

    private TaskWorker OpenWorker(Func<ActionResult> action, TimeSpan hold = default)
    {
        var run = new ScenarioRun("run-1", "scripted", 1, 1, new LockInfo("file", LockTimeout, false), Path.Combine(_folder, "counter.db"), ScenarioSection.Empty);
        var log = new TaskLogger(NullLogger.Instance, "task-1");
        var context = new TaskContext(run, "node-1", "task-1", 0, 0, log);
        var worker = new TaskWorker(context, log, () => new ScriptedTask(action), new FileTaskLock(_lockPath), hold,
            NullLogger.Instance, _stopping.Token);
        _opened.Add(worker);
        worker.Open();
        return worker;
    }

    /// <summary>Runs one loop: the task parks, then the gate opens at once (or the loop is called off); returns its report.</summary>
    private static async Task<TaskReport> RunLoop(TaskWorker worker, string? callOff = null, int loop = 1, ReleaseWait wait = ReleaseWait.Wake)
    {
        var parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reported = new TaskCompletionSource<TaskReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var round = new LoopRound(loop, wait, 1, "node-1", _ => parked.TrySetResult(), r => reported.TrySetResult(r));
        worker.Enqueue(round);
        await parked.Task.WaitAsync(Bound);
        if (callOff is null) round.Gate.OpenAt(WireClock.NowUs());
        else round.Gate.Abort(callOff);
        return await reported.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_commit_carries_no_failure()
    {
        var report = await RunLoop(OpenWorker(() => new ActionResult(3, 4)));

        Assert.Equal((TaskOutcome.Committed, TaskFailure.None, 3L, 4L, (string?)null), (report.Outcome, report.Failure, report.Observed, report.Written, report.Error));
        Assert.True(report.Phases.LockAcquiredUs > 0 && report.Phases.LockReleasedUs >= report.Phases.LockAcquiredUs);
    }

    [Fact]
    public async Task A_lock_held_elsewhere_past_the_timeout_is_a_lock_timeout()
    {
        var holder = new FileTaskLock(_lockPath);
        _opened.Add(holder);
        holder.Open();
        var worker = OpenWorker(() => new ActionResult(0, 1));
        Assert.Equal(LockResult.Acquired, holder.Acquire(1, Bound, () => { }));
        try
        {
            var report = await RunLoop(worker);

            Assert.Equal((TaskOutcome.Failed, TaskFailure.LockTimeout), (report.Outcome, report.Failure));
            Assert.Equal(0, report.Phases.LockAcquiredUs);
        }
        finally
        {
            holder.Release(1);
        }
    }

    [Fact]
    public async Task A_lock_file_deleted_while_held_makes_the_task_refuse_to_act()
    {
        var acted = false;
        var worker = OpenWorker(() => { acted = true; return new ActionResult(0, 1); });
        File.Delete(_lockPath);

        var report = await RunLoop(worker);

        Assert.Equal((TaskOutcome.Failed, TaskFailure.LockCheckFailed), (report.Outcome, report.Failure));
        Assert.Contains("deleted", report.Error);
        Assert.False(acted);
    }

    [Fact]
    public async Task A_scenario_that_says_nothing_landed_is_a_plain_failed_action()
    {
        var report = await RunLoop(OpenWorker(() => throw new ScenarioException("constraint refused the row", mayHaveCommitted: false)));

        Assert.Equal((TaskOutcome.Failed, TaskFailure.ActionFailed, "constraint refused the row"), (report.Outcome, report.Failure, report.Error));
    }

    [Fact]
    public async Task Any_other_exception_in_the_action_is_indeterminate()
    {
        var report = await RunLoop(OpenWorker(() => throw new IOException("disk I/O error")));

        Assert.Equal((TaskOutcome.Indeterminate, TaskFailure.ActionFailed, "disk I/O error"), (report.Outcome, report.Failure, report.Error));
    }

    [Fact]
    public async Task A_loop_called_off_before_the_release_is_reported_as_such()
    {
        var acted = false;
        var report = await RunLoop(OpenWorker(() => { acted = true; return new ActionResult(0, 1); }), callOff: "node-2 was lost");

        Assert.Equal((TaskOutcome.Failed, TaskFailure.CalledOff), (report.Outcome, report.Failure));
        Assert.Equal("loop called off before its release: node-2 was lost", report.Error);
        Assert.Equal(0, report.Phases.ReleasedUs);
        Assert.False(acted);
    }

    [Theory]
    [InlineData(ReleaseWait.Wake)]
    [InlineData(ReleaseWait.Spin)]
    public async Task A_task_is_kept_across_loops_and_acts_once_in_each_however_it_waits_for_the_release(ReleaseWait wait)
    {
        var value = 0L;
        var worker = OpenWorker(() => new ActionResult(value, ++value));

        var first = await RunLoop(worker, loop: 1, wait: wait);
        var second = await RunLoop(worker, loop: 2, wait: wait);

        Assert.Equal((1, TaskOutcome.Committed, 0L, 1L), (first.Loop, first.Outcome, first.Observed, first.Written));
        Assert.Equal((2, TaskOutcome.Committed, 1L, 2L), (second.Loop, second.Outcome, second.Observed, second.Written));
        Assert.All(new[] { first, second }, r => Assert.True(r.Phases.GateOpenedUs > 0 && r.Phases.ReleasedUs >= r.Phases.GateOpenedUs));
    }

    [Fact]
    public async Task The_lock_is_held_for_the_hold_after_the_action_before_it_is_given_up()
    {
        var hold = TimeSpan.FromMilliseconds(30);

        var report = await RunLoop(OpenWorker(() => new ActionResult(0, 1), hold));

        Assert.Equal(TaskOutcome.Committed, report.Outcome);
        Assert.True(report.Phases.LockReleasedUs - report.Phases.WrittenUs >= hold.TotalMicroseconds,
            $"held {report.Phases.LockReleasedUs - report.Phases.WrittenUs} us after the write");
    }

    [Fact]
    public async Task A_node_stopping_while_its_task_is_parked_reports_the_task_never_released()
    {
        var acted = false;
        var worker = OpenWorker(() => { acted = true; return new ActionResult(0, 1); });
        var parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reported = new TaskCompletionSource<TaskReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Enqueue(new LoopRound(1, ReleaseWait.Wake, 1, "node-1", _ => parked.TrySetResult(), r => reported.TrySetResult(r)));
        await parked.Task.WaitAsync(Bound);

        _stopping.Cancel();
        var report = await reported.Task.WaitAsync(Bound);

        Assert.Equal((TaskOutcome.Failed, TaskFailure.NeverReleased, "never released"), (report.Outcome, report.Failure, report.Error));
        Assert.Equal(0, report.Phases.ReleasedUs);
        Assert.False(acted);
    }

    [Fact]
    public void A_task_that_cannot_be_set_up_names_the_step_that_failed()
    {
        var run = new ScenarioRun("run-1", "scripted", 1, 1, new LockInfo("file", LockTimeout, false), Path.Combine(_folder, "counter.db"), ScenarioSection.Empty);
        var log = new TaskLogger(NullLogger.Instance, "task-1");
        var context = new TaskContext(run, "node-1", "task-1", 0, 0, log);
        var taskLock = new FileTaskLock(_lockPath);
        _opened.Add(taskLock);
        using var worker = new TaskWorker(context, log, () => throw new IOException("too many open files"), taskLock, TimeSpan.Zero,
            NullLogger.Instance, _stopping.Token);

        var error = Assert.Throws<TaskSetupException>(worker.Open);

        Assert.Equal("the scenario could not create it (CreateTask): too many open files", error.Message);
        Assert.IsType<IOException>(error.InnerException);
    }
}
