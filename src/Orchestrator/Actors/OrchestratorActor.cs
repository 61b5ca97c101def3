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
/// shutting down. Node processes are started once and kept across loops. What each state does with a message is a
/// step of <see cref="NodeJoins"/>, <see cref="LoopSteps"/> or <see cref="RunEnding"/>, on the run's books
/// (<see cref="RunBooks"/>); the actor keeps the states, the messages, the timers and the work off its thread.
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
    private readonly TaskCompletionSource<RunOutcome> _done;
    private readonly IActorRef _launcher;
    private readonly RunPhase _phase;
    private readonly RunBooks _books;
    private readonly NodeJoins _joins;
    private readonly LoopSteps _loop;
    private readonly RunEnding _ending;

    public OrchestratorActor(RunSettings settings, RunContext run, ScenarioSteps scenario, IRunObserver observer,
        Props launcherProps, TaskCompletionSource<RunOutcome> done, RunPhase phase)
    {
        var startedUs = WireClock.NowUs();
        _phase = phase;
        _phase.Enter(RunPhase.Joining, 0);
        (_settings, _run, _scenario, _done) = (settings, run, scenario, done);
        var runLog = new RunLog(_log);
        var timeline = new TimelineRecorder(run.ProcessStartUs, runLog.Event);
        _books = new RunBooks(settings, timeline, new ReleaseTiming(settings.ReleaseDelay, settings.ReleaseLead, _log));
        var post = new NodePost(timeline);
        _joins = new NodeJoins(settings, run, _books, post, observer, runLog, _log, startedUs);
        _loop = new LoopSteps(settings, run, scenario, _books, post, observer, runLog, _log);
        _launcher = Context.ActorOf(launcherProps, "node-launcher");
        _ending = new RunEnding(settings, run, _books, post, observer, _log, Context.ActorOf(LockActor.Props(), Protocol.LockActorName));
        Joining();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The loop under way (0 before the first).</summary>
    private int Loop => _loop.Loop;

    protected override void PreStart()
    {
        var launches = _joins.Start(((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString());
        if (launches.Count > 0) _launcher.Tell(new NodeLauncher.StartNodes(launches));
        Timers.StartSingleTimer(JoinTimer, JoinTimedOut.Instance, _settings.JoinLimit);
        LoopWarmUp.WhileNodesStart(Context.System, _settings, _run, _log);
    }

    // ---- joining -------------------------------------------------------------------------------

    private void Joining()
    {
        Receive<RegisterNode>(register => { if (_joins.Register(register, Sender)) Context.Watch(Sender); });
        Receive<NodeReady>(ready => { if (_joins.Ready(ready)) AllNodesReady(); });
        Receive<NodeFailed>(failed => Finish(NodeJoins.SetUpFailed(failed)));
        Receive<JoinTimedOut>(_ => Finish(_joins.TimedOut()));
        NodeLossHandlers(lost => Finish(lost));
        CommonHandlers();
    }

    private void AllNodesReady()
    {
        Timers.Cancel(JoinTimer);
        _joins.AllReady();
        StartLoop(1);
    }

    // ---- one loop ------------------------------------------------------------------------------

    /// <param name="prepared">The scenario has prepared the loop already (its reset ran right after the last verdict).</param>
    private void StartLoop(int loop, bool prepared = false)
    {
        var start = _loop.Begin(loop, prepared);
        if (!prepared) Prepare(loop);
        _loop.Park(loop, start);
        Timers.StartSingleTimer(BarrierTimer, new BarrierTimedOut(loop), _settings.BarrierTimeout);
        Enter(RunPhase.Barrier, Barrier);
        // Out of the books already: the last of them may release this loop, which parks the next one ahead afresh.
        foreach (var (ready, receivedUs) in start.ReadyAhead)
            if (_loop.NodeReady(ready, receivedUs)) ReleaseAll();
    }

    /// <summary>The scenario prepares the loop (BeforeTasks) off the actor's thread.</summary>
    private void Prepare(int loop)
    {
        var scenario = _scenario;
        _loop.Prepare(loop).PipeTo(Self, success: () => new LoopPrepared(loop), failure: e => new PrepareFailed(loop, scenario.PrepareFailure(loop, e)));
    }

    private void Barrier()
    {
        Receive<TasksReady>(ready => { if (_loop.TasksReady(ready)) ReleaseAll(); });
        Receive<LoopPrepared>(prepared => prepared.Loop == Loop, _ => { if (_loop.Prepared()) ReleaseAll(); });
        Receive<PrepareFailed>(failed => Finish(failed.Reason));
        Receive<BarrierTimedOut>(timeout => timeout.Loop == Loop, _ => EndLoop(_loop.BarrierTimedOut(), stillRunning: false));
        NodeLossHandlers(lost => EndLoop(lost, stillRunning: false));
        CommonHandlers();
    }

    private void ReleaseAll()
    {
        Timers.Cancel(BarrierTimer);
        var limit = _loop.Release();
        Timers.StartSingleTimer(LoopTimer, new LoopTimedOut(Loop, limit), limit);
        Enter(RunPhase.Collecting, Collecting);
    }

    private void Collecting()
    {
        Receive<TaskReport>(HandleReport);
        ReadyAheadHandler();
        Receive<LoopTimedOut>(timeout => timeout.Loop == Loop, timeout => EndLoop(_loop.TimedOut(timeout.Limit), stillRunning: true));
        NodeLossHandlers(lost => { if (_loop.Abort(lost)) EndLoop(null, stillRunning: true); });
        CommonHandlers();
    }

    private void HandleReport(TaskReport report)
    {
        if (_loop.File(report) is not { } filed) return;
        // The last report starts the judging (off the actor's thread) before it is shown and logged: the next loop
        // waits for the verdict, not for the console.
        if (filed.Complete) EndLoop(null, stillRunning: true);
        _loop.Show(report, filed);
    }

    /// <summary>Ends the loop: reads the counter and verifies. Tasks not yet accounted for never ran.</summary>
    private void EndLoop(string? abortReason, bool stillRunning)
    {
        Timers.Cancel(BarrierTimer);
        Timers.Cancel(LoopTimer);
        var (loop, end) = (Loop, _books.End(abortReason, stillRunning));
        Enter(RunPhase.Verifying, Verifying);
        // Whether the run goes on is decided with the verdict (LoopJudging), and the actor follows that decision.
        var scenario = _scenario.Name;
        _loop.Judge(end).PipeTo(Self, success: j => new LoopJudged(loop, j.Verification, j.Stopped, j.Next),
            failure: e => new JudgeFailed(loop, LoopJudging.Failure(scenario, loop, e, end)));
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
    private void ReadyAheadHandler() => Receive<TasksReady>(_books.Ahead.Awaits, _loop.KeepAhead);

    private void HandleJudged(LoopJudged judged)
    {
        var verdict = _loop.Judged(judged.Loop, judged.Verification, judged.Stopped, judged.Next);
        // The next loop starts (and is released at once when its tasks are parked already) before this verdict is
        // shown and logged: the console and the log are off the loop's path. Each line names its own loop.
        if (verdict.After is AfterVerdict.NextLoop next) StartLoop(judged.Loop + 1, next.Prepared);
        _loop.Show(verdict);
        if (verdict.After is AfterVerdict.Finish finish) Finish(_loop.Stopped(finish));
    }

    // ---- node loss, interruption, shutting down ------------------------------------------------

    /// <summary>A node lost (its process exited or its association died) in a state: mark it, then react.</summary>
    private void NodeLossHandlers(Action<string> onLost)
    {
        Receive<NodeLauncher.NodeStarted>(_ending.Started);
        Receive<NodeLauncher.NodeExited>(exited => { if (_ending.Exited(exited) is { } lost) onLost(lost); });
        Receive<Terminated>(terminated => { if (_ending.Unreachable(terminated.ActorRef) is { } lost) onLost(lost); });
    }

    /// <summary>Nodes measure their clock offset in any state, the last loop's aftermath included.</summary>
    private void AnswerClockProbes() =>
        Receive<ClockProbe>(probe => Sender.Tell(new ClockProbeReply(probe.NodeSentUs, WireClock.NowUs())));

    private void CommonHandlers()
    {
        AnswerClockProbes();
        Receive<Interrupt>(_ => Finish(_ending.Interrupt()));
        Receive<RegisterNode>(register => _joins.RegisterLate(register, Sender));
        ReceiveAny(message => _log.Warning("Loop {Loop}: {MessageType} is not expected now; ignored", Loop, message.GetType().Name));
    }

    /// <summary>Ends the run (<see cref="RunEnding.Finish"/>) and has the launcher stop the nodes' processes.</summary>
    private void Finish(string? reason)
    {
        Timers.CancelAll();
        _launcher.Tell(_ending.Finish(reason));
        Enter(RunPhase.ShuttingDown, ShuttingDown);
    }

    private void ShuttingDown()
    {
        Receive<NodeLauncher.AllNodesExited>(exited => { _ending.AllExited(exited); Complete(); });
        Receive<NodeLauncher.NodeExited>(_ending.ExitedAfterRun);
        Receive<Terminated>(_ => { });
        AnswerClockProbes();
        Receive<TaskReport>(_ending.ReportAfterRun);
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
        _ending.Failed(reason, message);
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
