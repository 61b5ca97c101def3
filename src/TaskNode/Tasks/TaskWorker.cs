using System.Collections.Concurrent;
using ActorRunner.Messages;
using ActorRunner.Scenarios;
using ActorRunner.TaskNode.Capacity;
using ActorRunner.TaskNode.Locking;
using Microsoft.Extensions.Logging;

namespace ActorRunner.TaskNode.Tasks;

/// <summary>
/// One task: a dedicated thread with its own lock and its own connection, kept across loops. Per loop it parks
/// at the gate, and when released takes the lock, runs the critical action, gives the lock back and reports.
/// Waiting (at the gate, for the lock) happens on this thread, never on an actor's.
/// </summary>
public sealed class TaskWorker : IDisposable
{
    private static readonly TimeSpan LongestPark = TimeSpan.FromMinutes(10);

    /// <summary>Each task thread's stack: room enough for the scenario's call, small enough for tens of thousands of tasks.</summary>
    public const int StackBytes = 256 * 1024;

    private readonly string _taskId;
    private readonly string _nodeId;
    private readonly TaskContext _context;
    private readonly TaskLogger _scenarioLog;
    private readonly Func<IScenarioTask> _create;
    private IScenarioTask? _scenario;
    private readonly ITaskLock _lock;
    private readonly TimeSpan _lockTimeout;
    private readonly string _lockTimeoutText;
    private readonly TimeSpan _hold;
    private readonly ILogger _log;
    private readonly CancellationToken _stopping;
    private readonly BlockingCollection<LoopRound> _rounds = new();
    private readonly Thread _thread;

    /// <param name="context">The task's context for the scenario (its loop is set per run of the action).</param>
    /// <param name="scenarioLog">The logger in <paramref name="context"/>, told the loop under way.</param>
    /// <param name="create">Creates the scenario's task (<see cref="Scenario.CreateTask"/>), on <see cref="Open"/>.</param>
    public TaskWorker(TaskContext context, TaskLogger scenarioLog, Func<IScenarioTask> create, ITaskLock taskLock,
        TimeSpan hold, ILogger log, CancellationToken stopping)
    {
        _taskId = context.TaskId;
        _nodeId = context.NodeId;
        _context = context;
        _scenarioLog = scenarioLog;
        _create = create;
        _lock = taskLock;
        _lockTimeout = context.Lock.Timeout;
        _lockTimeoutText = $"lock not acquired within {_lockTimeout.TotalSeconds:0.###} s";
        _hold = hold;
        _log = log;
        _stopping = stopping;
        _thread = new Thread(Run, maxStackSize: StackBytes) { IsBackground = true, Name = _taskId };
    }

    public string TaskId => _taskId;

    /// <summary>
    /// Creates the scenario's task (its connection), opens the lock, warms the release path, and starts its thread.
    /// A step that fails is named (<see cref="TaskSetupException"/>): which resource ran out is told from it.
    /// </summary>
    public void Open()
    {
        _scenario = Step("the scenario could not create it (CreateTask)", _create);
        Step("its lock could not open", () => { _lock.Open(); return true; });
        Step("its release path could not be warmed up", () => { WarmUp(); return true; });
        Step("its thread could not start", () => { _thread.Start(); return true; });
    }

    private static T Step<T>(string step, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new TaskSetupException(step, e);
        }
    }

    /// <summary>
    /// Runs the code of the release path once before the first loop (a gate, the clock, the lock, a report), so
    /// the first loop's release is not spread by just-in-time compilation. Nothing is written.
    /// </summary>
    private void WarmUp()
    {
        var gate = new ReleaseGate(0);
        gate.Abort("warm-up");
        gate.Wait(TimeSpan.FromMilliseconds(1), _stopping);
        var spinning = new ReleaseGate(0, ReleaseWait.Spin);
        spinning.OpenAt(WireClock.NowUs() + 10);
        spinning.Wait(TimeSpan.FromMilliseconds(1), _stopping);
        var phases = new TaskPhases(WireClock.NowUs(), WireClock.NowUs(), 0, 0, 0, 0, 0);
        if (_lock.Acquire(0, TimeSpan.FromMilliseconds(50), () => { }) == LockResult.Acquired)
        {
            _lock.CheckHeld();
            _lock.Release(0);
        }
        _ = Failed(0, phases with { LockAcquiredUs = WireClock.NowUs() }, TaskFailure.LockTimeout, "warm-up");
    }

    public void Enqueue(LoopRound round) => _rounds.Add(round);

    private void Run()
    {
        try
        {
            foreach (var round in _rounds.GetConsumingEnumerable(_stopping)) RunRound(round);
        }
        catch (OperationCanceledException)
        {
            // The node is stopping.
        }
    }

    private void RunRound(LoopRound round)
    {
        // A task that waits out the instant on the clock parks at real-time priority (when the node may use it) and
        // keeps it through its critical action: nothing ordinary preempts it at the instant or in the race.
        var realTime = round.Gate.Mode == ReleaseWait.Spin && RealTimePriority.Enter();
        try
        {
            RunRoundAt(round, realTime);
        }
        finally
        {
            if (realTime) RealTimePriority.Leave();
        }
    }

    /// <param name="realTime">The task's thread is at real-time priority: it may spin a shorter stretch before the instant.</param>
    private void RunRoundAt(LoopRound round, bool realTime)
    {
        // The loop's context for the scenario, made while parked: nothing is built while the lock is held.
        var context = _context with { Loop = round.Loop };
        _scenarioLog.Loop = round.Loop;
        var parkedUs = WireClock.NowUs();
        // Whatever the task needs once released is made before it parks: from its resumption to its critical action
        // nothing is allocated (an allocation can start a garbage collection on this very thread) or formatted.
        var resumed = new Resumption(parkedUs);
        Action onTimedOut = () => round.Report(Failed(round.Loop, resumed.Phases, TaskFailure.LockTimeout, _lockTimeoutText));
        round.Parked();
        if (!round.Gate.Wait(LongestPark, _stopping, realTime))
        {
            round.Report(Failed(round.Loop, resumed.Phases, TaskFailure.NeverReleased, "never released"));
            return;
        }

        if (round.Gate.IsAborted)
        {
            round.Report(Failed(round.Loop, resumed.Phases, TaskFailure.CalledOff, $"loop called off before its release: {round.Gate.AbortReason}"));
            return;
        }

        // The instant this task's own code resumes, taken just before it asks for the lock.
        resumed.ReleasedUs = WireClock.NowUs();
        try
        {
            if (_lock.Acquire(round.Loop, _lockTimeout, onTimedOut) == LockResult.TimedOut)
            {
                _log.LogWarning("Task {Task} of node {Node} gave up waiting for the lock in loop {Loop} after {TimeoutMs} ms",
                    _taskId, _nodeId, round.Loop, _lockTimeout.TotalMilliseconds);
                return;
            }
            var report = HoldingTheLock(context, resumed, WireClock.NowUs());
            round.Report(report);
            LogReport(report);
        }
        catch (Exception e)
        {
            _log.LogError(e, "Task {Task} of node {Node} failed in loop {Loop}", _taskId, _nodeId, round.Loop);
            round.Report(Failed(round.Loop, resumed.Phases, TaskFailure.LockFailed, e.Message));
        }
    }

    /// <summary>A task's instants up to its release, filled in as it parks and resumes.</summary>
    private sealed class Resumption(long parkedUs)
    {
        public long ParkedUs { get; } = parkedUs;
        public long ReleasedUs { get; set; }

        /// <summary>Parked, released and (at once) asking for the lock; nothing later reached.</summary>
        public TaskPhases Phases => new(ParkedUs, ReleasedUs, ReleasedUs, 0, 0, 0, 0);
    }

    private TaskReport HoldingTheLock(TaskContext context, Resumption resumed, long lockAcquiredUs)
    {
        var loop = context.Loop;
        var outcome = TaskOutcome.Failed;
        var failure = TaskFailure.None;
        long observed = -1, written = -1, readUs = 0, writtenUs = 0, lockReleasedUs;
        string? error = null;
        try
        {
            error = _lock.CheckHeld();
            if (error is not null)
            {
                failure = TaskFailure.LockCheckFailed;
                _log.LogError("Task {Task} of node {Node} refused to act in loop {Loop}: {Problem}", _taskId, _nodeId, loop, error);
            }
            else
            {
                var startedUs = WireClock.NowUs();
                var result = _scenario!.RunTask(context);
                var endedUs = WireClock.NowUs();
                (outcome, observed, written) = (TaskOutcome.Committed, result.Observed, result.Written);
                (readUs, writtenUs) = (result.ReadUs > 0 ? result.ReadUs : startedUs, result.WrittenUs > 0 ? result.WrittenUs : endedUs);
                if (_hold > TimeSpan.Zero) Thread.Sleep(_hold);
            }
        }
        catch (Exception e)
        {
            // Only a scenario that says its write cannot have landed is a plain failure; anything else is unknown.
            var mayHaveCommitted = e is not ScenarioException { MayHaveCommitted: false };
            _log.LogWarning("Task {Task} of node {Node} failed its critical action in loop {Loop}: {Error}", _taskId, _nodeId, loop, e.Message);
            (outcome, failure, error) = (mayHaveCommitted ? TaskOutcome.Indeterminate : TaskOutcome.Failed, TaskFailure.ActionFailed, e.Message);
        }
        finally
        {
            // Stamped just before the lock is given up: the next holder's lock-acquired can then never precede
            // it, and the timeline's holds never overlap under a lock that excludes.
            lockReleasedUs = WireClock.NowUs();
            _lock.Release(loop);
        }
        var phases = new TaskPhases(resumed.ParkedUs, resumed.ReleasedUs, resumed.ReleasedUs, lockAcquiredUs, readUs, writtenUs, lockReleasedUs);
        return new TaskReport(loop, _taskId, _nodeId, outcome, observed, written, phases, failure, error);
    }

    /// <summary>
    /// After the lock is given up: the task's phases, named as in timeline.jsonl, for those who grep the logs; at
    /// information level for the loops told in full (<see cref="LoopDetail"/>), at debug for the rest of a long hunt.
    /// </summary>
    private void LogReport(TaskReport r)
    {
        var level = LoopDetail.Planned(r.Loop) ? LogLevel.Information : LogLevel.Debug;
        if (!_log.IsEnabled(level)) return;
        var p = r.Phases;
        _log.Log(level, "Task {Task} of node {Node} in loop {Loop}: {Outcome}; released at {ReleasedUs}, lock-requested at {LockRequestedUs}, " +
                            "lock-acquired at {LockAcquiredUs}, read {Observed}, written {Written} at {WrittenUs}, lock-released at {LockReleasedUs} (us, node clock)",
            r.TaskId, r.NodeId, r.Loop, r.Outcome, p.ReleasedUs, p.LockRequestedUs, p.LockAcquiredUs, r.Observed, r.Written, p.WrittenUs, p.LockReleasedUs);
    }

    private TaskReport Failed(int loop, TaskPhases phases, TaskFailure failure, string error) =>
        new(loop, _taskId, _nodeId, TaskOutcome.Failed, -1, -1, phases, failure, error);

    public void Dispose()
    {
        _rounds.CompleteAdding();
        _lock.Dispose();
        _scenario?.Dispose();
    }
}
