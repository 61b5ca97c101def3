using ActorRunner.Messages;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Hosting;
using ActorRunner.Orchestrator.Launching;
using ActorRunner.Orchestrator.Releasing;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;
using Akka.Actor;
using Akka.Event;

namespace ActorRunner.Orchestrator.Actors;

/// <summary>
/// The run as a state machine: joining, then per loop preparing, barrier, collecting and verifying, then
/// shutting down. Node processes are started once and kept across loops.
/// </summary>
public sealed class OrchestratorActor : ReceiveActor, IWithTimers
{
    public static Props Props(RunSettings settings, RunContext run, ScenarioSteps scenario, IRunObserver observer,
        Props launcherProps, TaskCompletionSource<RunOutcome> done, RunPhase? phase = null) =>
        Akka.Actor.Props.Create(() => new OrchestratorActor(settings, run, scenario, observer, launcherProps, done, phase ?? new RunPhase()));

    /// <summary>Stop the run in an orderly way (SIGINT, SIGTERM).</summary>
    public sealed class Interrupt { public static readonly Interrupt Instance = new(); }

    private sealed record LoopPrepared(int Loop);
    /// <summary>The scenario could not prepare a loop (BeforeTasks).</summary>
    private sealed record PrepareFailed(int Loop, string Reason);
    /// <param name="Stopped">Why the loops stop after this one, when they do (decided with the verdict, once).</param>
    /// <param name="Next">How the next loop's reset (BeforeTasks), right after the verdict, went.</param>
    private sealed record LoopJudged(int Loop, LoopVerification Verification, StoppedBy? Stopped, NextReset Next);
    /// <summary>The scenario could not read or judge a loop's outcome (AfterTasks, ResultOk).</summary>
    private sealed record JudgeFailed(int Loop, string Reason);
    private sealed class JoinTimedOut { public static readonly JoinTimedOut Instance = new(); }
    private sealed record BarrierTimedOut(int Loop);
    /// <summary>The loop's reports did not all come within <paramref name="Limit"/> of the release.</summary>
    private sealed record LoopTimedOut(int Loop, TimeSpan Limit);

    private const string JoinTimer = "join";
    private const string BarrierTimer = "barrier";
    private const string LoopTimer = "loop";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RunSettings _settings;
    private readonly RunContext _run;
    private readonly ScenarioSteps _scenario;
    private readonly IRunObserver _observer;
    private readonly TaskCompletionSource<RunOutcome> _done;
    private readonly IActorRef _launcher;
    private readonly IActorRef _lock;
    private readonly RunPhase _phase;
    private readonly TimelineRecorder _timeline;
    private readonly RunBooks _books;
    private readonly ClockReadings _clocks;
    private readonly NodeLosses _losses;
    private readonly NodePost _post;
    private readonly RunLog _runLog;
    private readonly long _startedUs = WireClock.NowUs();

    public OrchestratorActor(RunSettings settings, RunContext run, ScenarioSteps scenario, IRunObserver observer,
        Props launcherProps, TaskCompletionSource<RunOutcome> done, RunPhase phase)
    {
        _phase = phase;
        _phase.Enter(RunPhase.Joining, 0);
        (_settings, _run, _scenario, _observer, _done) = (settings, run, scenario, observer, done);
        _runLog = new RunLog(_log);
        _timeline = new TimelineRecorder(run.ProcessStartUs, _runLog.Event);
        _books = new RunBooks(settings, _timeline, new ReleaseTiming(settings.ReleaseDelay, settings.ReleaseLead, _log));
        _post = new NodePost(_timeline);
        _clocks = new ClockReadings(Course, observer, _log);
        _losses = new NodeLosses(Roster, Ledger);
        _launcher = Context.ActorOf(launcherProps, "node-launcher");
        _lock = Context.ActorOf(LockActor.Props(), Protocol.LockActorName);
        Joining();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private Address Address => ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;

    /// <summary>The loop under way (0 before the first).</summary>
    private int Loop => Ledger.Loop;
    private NodeRoster Roster => _books.Roster;
    private LoopLedger Ledger => _books.Ledger;
    private RunCourse Course => _books.Course;

    protected override void PreStart()
    {
        var address = Address.ToString();
        _observer.RunStarting(_settings, _run, address);
        _timeline.Note("run-started", null, address);
        _runLog.RunStarts(_settings, _run.RunId, address);
        var launches = Roster.Launched.Select(n => NodeLaunches.For(_settings, _run, n.Id, n.LaunchedOn, address)).ToList();
        if (launches.Count > 0) _launcher.Tell(new NodeLauncher.StartNodes(launches));
        Timers.StartSingleTimer(JoinTimer, JoinTimedOut.Instance, _settings.JoinLimit);
        WarmUpWhileNodesStart();
    }

    /// <summary>The loop's path once on made-up figures (<see cref="LoopWarmUp"/>), off the actor's thread, while the nodes start.</summary>
    private void WarmUpWhileNodesStart()
    {
        var (system, settings, run, log) = (Context.System, _settings, _run, _log);
        Task.Run(() => LoopWarmUp.Run(system, settings, run)).ContinueWith(
            failed => log.Warning("Run {RunId}: the warm-up of the loop's path failed (the first loop may be slower): {Error}", run.RunId, failed.Exception?.GetBaseException().Message),
            TaskContinuationOptions.OnlyOnFaulted);
    }

    // ---- joining -------------------------------------------------------------------------------

    private void Joining()
    {
        Receive<RegisterNode>(HandleRegister);
        Receive<NodeReady>(HandleNodeReady);
        Receive<NodeFailed>(failed => Finish($"node {failed.NodeId} could not set up: {failed.Reason}"));
        Receive<JoinTimedOut>(_ => Finish($"not every node joined within {_settings.JoinLimit.TotalSeconds:0.###} s: missing {string.Join("; ", Roster.NotJoined())}"));
        NodeLossHandlers(lost => Finish(lost));
        CommonHandlers();
    }

    private void HandleRegister(RegisterNode register)
    {
        _timeline.Received(register, register.NodeId, null);
        var admission = Roster.Admit(register, Sender, _run.RunId, _run.Token, (WireClock.NowUs() - _startedUs) / 1000.0);
        if (admission.Node is not { } node)
        {
            _log.Warning("Refused node {Node} from {Address} (pid {Pid}): {Reason}", register.NodeId, Sender.Path.Address, register.Pid, admission.Refusal);
            Sender.Tell(new NodeRejected(register.NodeId, admission.Refusal!));
            return;
        }
        if (admission.First)
        {
            if (node.WatchedRemotely) Context.Watch(Sender);
            _log.Info("Node {Node} registered from {Address} (pid {Pid}) with {Tasks} tasks", node.Id, Sender.Path.Address, register.Pid, node.TaskIds.Count);
        }
        _post.Reply(Sender, node.Accepted(_settings.NodeTerms(_run.RunId, _run.LockFile, _run.DbPath)), node.Id);
    }

    private void HandleNodeReady(NodeReady ready)
    {
        if (Roster.Find(ready.NodeId) is not { Ready: false } node) return;
        _timeline.Received(ready, node.Id, null);
        node.ReadyWith(ready, WireClock.NowUs());
        var readyCount = Roster.ReadyCount;
        _observer.NodeJoined(node.Id, node.JoinMs, readyCount, _settings.TotalNodes);
        _log.Info("Node {Node} is ready with {Tasks} tasks ({ReadyNodes} of {TotalNodes})", node.Id, ready.Tasks, readyCount, _settings.TotalNodes);
        if (readyCount == _settings.TotalNodes) AllNodesReady();
    }

    private void AllNodesReady()
    {
        Timers.Cancel(JoinTimer);
        var nodes = _books.AllReady(WireClock.NowUs(), _run.ProcessStartUs);
        _log.Info("All {TotalNodes} nodes ready {StartupMs} ms after the orchestrator started", _settings.TotalNodes, Math.Round(Course.StartupMs, 1));
        _runLog.ReleaseWaits(nodes);
        StartLoop(1);
    }

    // ---- one loop ------------------------------------------------------------------------------

    /// <param name="prepared">The scenario has prepared the loop already (its reset ran right after the last verdict).</param>
    private void StartLoop(int loop, bool prepared = false)
    {
        var start = _books.Begin(loop, prepared, WireClock.NowUs());
        if (!prepared) Prepare(loop);
        // A node parked ahead keeps the PrepareSentUs of its PrepareLoop sent then: its TasksReady answers that one.
        SendPrepareLoop(loop, _books.ToPark(start));
        Timers.StartSingleTimer(BarrierTimer, new BarrierTimedOut(loop), _settings.BarrierTimeout);
        Enter(RunPhase.Barrier, Barrier);
        // Out of the books already: the last of them may release this loop, which parks the next one ahead afresh.
        foreach (var (ready, receivedUs) in start.ReadyAhead) NodeTasksReady(ready, receivedUs);
    }

    /// <summary>The scenario prepares the loop (BeforeTasks) off the actor's thread.</summary>
    private void Prepare(int loop)
    {
        _log.Debug("Loop {Loop}: scenario {Scenario} prepares the loop while the nodes park their tasks", loop, _scenario.Name);
        // The reset and the parking overlap: no task acts before the Release, which waits for both.
        var scenario = _scenario;
        Task.Run(() => scenario.BeforeTasks(loop))
            .PipeTo(Self, success: () => new LoopPrepared(loop), failure: e => new PrepareFailed(loop, scenario.PrepareFailure(loop, e)));
    }

    /// <summary>Tells these nodes to park their tasks for <paramref name="loop"/> (each send is half of a clock probe).</summary>
    private void SendPrepareLoop(int loop, IEnumerable<RosterNode> nodes) => _post.Tell(nodes, node => node.Prepare(loop, WireClock.NowUs()), loop);

    private void Barrier()
    {
        Receive<TasksReady>(ready =>
        {
            if (ready.Loop != Loop) return;
            _timeline.Received(ready, ready.NodeId, ready.Loop);
            NodeTasksReady(ready, WireClock.NowUs());
        });
        Receive<LoopPrepared>(prepared => prepared.Loop == Loop, _ =>
        {
            Ledger.MarkPrepared();
            ReleaseWhenSet();
        });
        Receive<PrepareFailed>(failed => Finish(failed.Reason));
        Receive<BarrierTimedOut>(timeout => timeout.Loop == Loop, _ => EndLoop(
            $"barrier timeout after {_settings.BarrierTimeout.TotalSeconds:0.###} s: not ready: {string.Join(", ", Ledger.NotReady(Roster.All))}", stillRunning: false));
        NodeLossHandlers(lost => EndLoop(lost, stillRunning: false));
        CommonHandlers();
    }

    /// <summary>A node has every task parked for this loop; its TasksReady arrived at <paramref name="receivedUs"/>.</summary>
    private void NodeTasksReady(TasksReady ready, long receivedUs)
    {
        if (Roster.Find(ready.NodeId) is { } node) _clocks.Read(node, ready, receivedUs, Loop);
        Ledger.NodeReady(ready.NodeId);
        _log.Debug("Loop {Loop}: node {Node} has every task parked ({ReadyNodes} of {TotalNodes})", Loop, ready.NodeId, Ledger.ReadyNodes, _settings.TotalNodes);
        ReleaseWhenSet();
    }

    /// <summary>Releases once the scenario has prepared the loop and every node has its tasks parked.</summary>
    private void ReleaseWhenSet()
    {
        if (_books.ReadyToRelease) ReleaseAll();
    }

    private void ReleaseAll()
    {
        Timers.Cancel(BarrierTimer);
        var release = _books.Release(WireClock.NowUs());
        // Each node gets the instant on its own clock too: the conversion is made here, where the offsets are.
        TellLiveNodes(node => new Release(Loop, release.AtUs, node.ClockThisLoop.ToNodeUs(release.AtUs)), Loop);
        if (_books.ParkAhead(WireClock.NowUs()) is { Count: > 0 } parkAhead) SendPrepareLoop(Loop + 1, parkAhead);
        _runLog.Released(Loop, release.AtUs);
        var limit = release.In + _settings.LockTimeout + _settings.LoopTimeout;
        Timers.StartSingleTimer(LoopTimer, new LoopTimedOut(Loop, limit), limit);
        Enter(RunPhase.Collecting, Collecting);
    }

    private void Collecting()
    {
        Receive<TaskReport>(HandleReport);
        ReadyAheadHandler();
        Receive<LoopTimedOut>(timeout => timeout.Loop == Loop, timeout => EndLoop(
            $"loop timeout after {timeout.Limit.TotalSeconds:0.###} s: no reports from {string.Join(", ", Ledger.GiveUpSilent(Roster.All))}", stillRunning: true));
        NodeLossHandlers(lost =>
        {
            // Tasks still parked (the release instant may be far off) skip the loop; released ones finish it.
            var abort = new AbortLoop(Loop, lost);
            TellLiveNodes(_ => abort, Loop);
            if (Ledger.Complete) EndLoop(null, stillRunning: true);
        });
        CommonHandlers();
    }

    private void HandleReport(TaskReport report)
    {
        var filing = Ledger.File(report);
        if (filing != Filing.OtherLoop) _timeline.Received(report, report.NodeId, report.Loop, report.TaskId);
        if (filing != Filing.Filed)
        {
            _runLog.NotFiled(Loop, report, filing);
            return;
        }
        // The last report starts the judging (off the actor's thread) before it is shown and logged: the next loop
        // waits for the verdict, not for the console.
        var (loop, accounted, complete) = (Loop, Ledger.Accounted, Ledger.Complete);
        if (complete) EndLoop(null, stillRunning: true);
        _observer.TaskReported(loop, accounted, Ledger.ExpectedTasks);
        _runLog.TaskReported(loop, report, Roster.ClockOf(report.NodeId));
    }

    /// <summary>Ends the loop: reads the counter and verifies. Tasks not yet accounted for never ran.</summary>
    private void EndLoop(string? abortReason, bool stillRunning)
    {
        Timers.Cancel(BarrierTimer);
        Timers.Cancel(LoopTimer);
        var (loop, end) = (Loop, _books.End(abortReason, stillRunning));
        Enter(RunPhase.Verifying, Verifying);
        // Whether the run goes on is decided with the verdict (LoopJudging), and the actor follows that decision.
        var scenario = _scenario;
        LoopJudging.Start(scenario, end, _books.Plan, Course.FirstLoopStartUs, _settings.ContinueOnFailure)
            .PipeTo(Self, success: j => new LoopJudged(loop, j.Verification, j.Stopped, j.Next),
                failure: e => new JudgeFailed(loop, $"scenario {scenario.Name} could not read or judge loop {loop} (AfterTasks, ResultOk): {e.GetBaseException().Message}{end.Suspects}"));
    }

    private void Verifying()
    {
        Receive<LoopJudged>(HandleJudged);
        ReadyAheadHandler();
        // A loop cut short at its barrier may still be preparing.
        Receive<PrepareFailed>(failed => Finish(failed.Reason));
        Receive<JudgeFailed>(failed => Finish(failed.Reason));
        Receive<TaskReport>(HandleReport);
        NodeLossHandlers(_ => { });
        CommonHandlers();
    }

    /// <summary>A TasksReady for the loop parked ahead, kept until that loop starts.</summary>
    private void ReadyAheadHandler() =>
        Receive<TasksReady>(_books.Ahead.Awaits, ready =>
        {
            _timeline.Received(ready, ready.NodeId, ready.Loop);
            _books.Ahead.Keep(ready, WireClock.NowUs());
        });

    private void HandleJudged(LoopJudged read)
    {
        var (record, kept) = _books.Judged(read.Loop, read.Verification, WireClock.NowUs());
        var after = _books.After(record.Verification.Verdict, read.Stopped, read.Next);
        // The next loop starts (and is released at once when its tasks are parked already) before this verdict is
        // shown and logged: the console and the log are off the loop's path. Each line names its own loop.
        if (after is AfterVerdict.NextLoop next) StartLoop(read.Loop + 1, next.Prepared);
        _observer.LoopDone(record, kept, _books.Progress(WireClock.NowUs()));
        _runLog.Verdict(record, _settings.Loops, kept);
        if (after is AfterVerdict.Finish finish)
        {
            if (finish.StoppedBy is { } stoppedBy) StopBy(stoppedBy);
            Finish(finish.Reason);
        }
    }

    private void StopBy(StoppedBy stoppedBy)
    {
        Course.StopBy(stoppedBy);
        if (stoppedBy == StoppedBy.Duration)
            _log.Info("Run {RunId}: the time budget of {DurationS} s is spent after {LoopsRun} loops", _run.RunId, _settings.Duration.TotalSeconds, _books.Loops.LoopsRun);
    }

    // ---- node loss, interruption, shutting down ------------------------------------------------

    /// <summary>Sends every live node its message (<paramref name="messageFor"/>), each send on the timeline.</summary>
    private void TellLiveNodes(Func<RosterNode, object> messageFor, int? loop) => _post.Tell(Roster.Live, messageFor, loop);

    /// <summary>A node lost (its process exited or its association died) in a state: mark it, then react.</summary>
    private void NodeLossHandlers(Action<string> onLost)
    {
        Receive<NodeLauncher.NodeStarted>(_losses.Started);
        Receive<NodeLauncher.NodeExited>(exited => Lost(_losses.Exited(exited), onLost));
        Receive<Terminated>(terminated => Lost(_losses.Unreachable(terminated.ActorRef), onLost));
    }

    private void Lost(NodeLoss? loss, Action<string> onLost)
    {
        if (loss is null) return;
        _log.Error("Loop {Loop}: lost {Reason}", Loop, loss.Reason);
        _lock.Tell(new LockActor.NodeGone(loss.NodeId));
        onLost(loss.Reason);
    }

    /// <summary>Nodes measure their clock offset in any state, the last loop's aftermath included.</summary>
    private void AnswerClockProbes() =>
        Receive<ClockProbe>(probe => Sender.Tell(new ClockProbeReply(probe.NodeSentUs, WireClock.NowUs())));

    private void CommonHandlers()
    {
        AnswerClockProbes();
        Receive<Interrupt>(_ =>
        {
            Course.Interrupt();
            Finish("interrupted");
        });
        Receive<RegisterNode>(register =>
        {
            if (Roster.Find(Sender) is not null) return;
            _log.Warning("Refused node {Node} from {Address}: the run has started", register.NodeId, Sender.Path.Address);
            Sender.Tell(new NodeRejected(register.NodeId, "the run has started"));
        });
        ReceiveAny(message => _log.Warning("Loop {Loop}: {MessageType} is not expected now; ignored", Loop, message.GetType().Name));
    }

    /// <summary>
    /// Ends the run: every live node is told to shut down and the launcher to stop the processes.
    /// <paramref name="reason"/>: why the run stops early (the run's abort reason, unless it had one already); null
    /// when the loops simply ran out (their count, the time budget, a verdict without continue-on-failure).
    /// </summary>
    private void Finish(string? reason)
    {
        Course.Abort(reason);
        Timers.CancelAll();
        if (reason is not null)
        {
            _observer.Aborting(reason);
            _log.Warning("Run {RunId} stops: {Reason}", _run.RunId, reason);
        }
        TellLiveNodes(_ => Shutdown.Instance, null);
        // A node still starting has no one to tell it: it is ended through its standard input instead.
        _launcher.Tell(new NodeLauncher.StopNodes(_settings.ShutdownTimeout, Roster.Untold()));
        Enter(RunPhase.ShuttingDown, ShuttingDown);
    }

    private void ShuttingDown()
    {
        Receive<NodeLauncher.AllNodesExited>(exited =>
        {
            if (exited.Killed > 0) _log.Warning("{Killed} node processes had to be killed", exited.Killed);
            Complete();
        });
        Receive<NodeLauncher.NodeExited>(_losses.ExitedAfterRun);
        Receive<Terminated>(_ => { });
        AnswerClockProbes();
        Receive<TaskReport>(report => _log.Debug("Loop {Loop}: report of task {Task} after the run ended", report.Loop, report.TaskId));
        Receive<Interrupt>(_ => { });
        ReceiveAny(message => _log.Debug("{MessageType} while shutting down; ignored", message.GetType().Name));
    }

    /// <summary>Becomes a state, and says so in every log event from now on.</summary>
    private void Enter(string phase, Action state)
    {
        _phase.Enter(phase, Loop);
        Become(state);
    }

    /// <summary>
    /// An exception of the orchestrator's own (a defect, never a node's or the store's failure, which are messages):
    /// its books can no longer be trusted, so the run ends here with what was judged so far, rather than start over
    /// while its nodes are mid-loop. The launcher, a child, is stopped with it and kills what still runs.
    /// </summary>
    protected override void PreRestart(Exception reason, object message)
    {
        _log.Error(reason, "Run {RunId}: the orchestrator failed on {MessageType} in loop {Loop}; the run stops", _run.RunId, message?.GetType().Name, Loop);
        _observer.Aborting(Course.Abort($"the orchestrator failed: {reason.GetBaseException().Message}")!);
        foreach (var node in Roster.Live) node.Ref!.Tell(Shutdown.Instance);
        Complete();
        base.PreRestart(reason, message);
    }

    /// <summary>The run ended in <see cref="PreRestart"/>: the new instance starts nothing.</summary>
    protected override void PostRestart(Exception reason) => Context.Stop(Self);

    private void Complete()
    {
        _done.TrySetResult(_books.Outcome());
        Become(() => ReceiveAny(_ => { }));
    }
}
