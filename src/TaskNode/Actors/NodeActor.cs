using ActorRunner.Hosting;
using ActorRunner.Messages;
using ActorRunner.Messages.Serialization;
using ActorRunner.Scenarios;
using ActorRunner.TaskNode.Capacity;
using ActorRunner.TaskNode.Hosting;
using ActorRunner.TaskNode.Locking;
using ActorRunner.TaskNode.Tasks;
using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Logging;

namespace ActorRunner.TaskNode.Actors;

/// <summary>
/// A task node: registers with the orchestrator (retrying until the join timeout), opens its tasks, parks them
/// for each loop, releases them at the agreed instant, and exits when told to or when the orchestrator is gone.
/// </summary>
public sealed class NodeActor : ReceiveActor, IWithTimers
{
    /// <param name="go">When given (a node started before its orchestrator listens), the node registers only once it
    /// completes; the join timeout counts from the start all the same.</param>
    public static Props Props(NodeCommandLine options, RunIdEnricher runId, ILoggerFactory loggers, TaskCompletionSource<int> exit, Task? go = null) =>
        Akka.Actor.Props.Create(() => new NodeActor(options, runId, loggers, exit, go));

    /// <summary>Exit codes of a task node.</summary>
    public static class ExitCodes
    {
        public const int Done = 0;
        public const int Refused = 2;
        public const int Failed = 3;
    }

    private sealed record SetupDone(IReadOnlyList<TaskWorker> Workers, (long OffsetUs, long UncertaintyUs) Clock, string? RealTimeUnavailable);
    private sealed record SetupFailed(string Reason);
    private sealed class RegisterTick { public static readonly RegisterTick Instance = new(); }
    private sealed class JoinTimedOut { public static readonly JoinTimedOut Instance = new(); }
    private sealed class Go { public static readonly Go Instance = new(); }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NodeCommandLine _options;
    private readonly RunIdEnricher _runId;
    private readonly ILoggerFactory _loggers;
    private readonly TaskCompletionSource<int> _exit;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ActorSelection _orchestratorSelection;
    private readonly Task? _go;
    private long _startedUs = WireClock.NowUs();
    private IActorRef _orchestrator = ActorRefs.Nobody;
    private IReadOnlyList<TaskWorker> _workers = [];
    // The loop under way and the next one, parked ahead while this one finishes: a Release or an AbortLoop names its loop.
    private readonly Dictionary<int, LoopRound> _rounds = new();
    // Held from the node's acceptance to its end when the run asks for it (the kernel drops it with the process too).
    private CpuWakeLatency? _cpusAwake;

    public NodeActor(NodeCommandLine options, RunIdEnricher runId, ILoggerFactory loggers, TaskCompletionSource<int> exit, Task? go)
    {
        _go = go;
        _options = options;
        _runId = runId;
        _loggers = loggers;
        _exit = exit;
        _orchestratorSelection = Context.ActorSelection(options.Orchestrator + Protocol.OrchestratorPath);
        Joining();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        // The loop's messages through the wire once while the node joins: the first loop's reports wait for no compilation.
        var (system, nodeId, log) = (Context.System, _options.NodeId, _log);
        Task.Run(() => WireWarmUp.RoundTrip(system, WireWarmUp.LoopMessages(nodeId, nodeId + "-task"))).ContinueWith(
            failed => log.Warning("Node {Node}: the warm-up of the loop's messages failed (the first loop may be slower): {Error}", nodeId, failed.Exception?.GetBaseException().Message),
            TaskContinuationOptions.OnlyOnFaulted);
        if (_go is null) StartRegistering();
        else _go.PipeTo(Self, Self, success: () => Go.Instance);
        Timers.StartSingleTimer("join-timeout", JoinTimedOut.Instance, _options.JoinTimeout);
    }

    private void StartRegistering() => Timers.StartPeriodicTimer("register", RegisterTick.Instance, TimeSpan.Zero, NodeTimings.RegisterEvery);

    private void Joining()
    {
        Receive<RegisterTick>(_ => _orchestratorSelection.Tell(new RegisterNode(_options.RunId, _options.Token, _options.NodeId,
            Environment.ProcessId, _options.PublicHostname ?? _options.Hostname, Protocol.Version)));
        Receive<Go>(_ =>
        {
            _startedUs = WireClock.NowUs();
            StartRegistering();
        });
        Receive<NodeAccepted>(HandleAccepted);
        Receive<NodeRejected>(rejected =>
        {
            _log.Error("Node {Node} was refused by the orchestrator at {Address}: {Reason}", _options.NodeId, _options.Orchestrator, rejected.Reason);
            Exit(ExitCodes.Refused);
        });
        Receive<JoinTimedOut>(_ =>
        {
            if (_go is { IsCompleted: false })
            {
                _log.Error("Node {Node} was not told to join by the orchestrator that started it ({Address}) within {TimeoutS} s",
                    _options.NodeId, _options.Orchestrator, _options.JoinTimeout.TotalSeconds);
                Exit(ExitCodes.Failed);
                return;
            }
            // Akka.Remote drops messages addressed to another spelling of the same host without a word.
            var hint = Address.Parse(_options.Orchestrator).Host == "localhost"
                ? "; it printed its address at start: use exactly that (an orchestrator bound to 127.0.0.1 does not answer to localhost)"
                : "; is it running, and is this exactly the address it printed at start?";
            _log.Error("Node {Node} could not join the orchestrator at {Address} within {TimeoutS} s{Hint}",
                _options.NodeId, _options.Orchestrator, _options.JoinTimeout.TotalSeconds, hint);
            Exit(ExitCodes.Failed);
        });
        CommonHandlers();
    }

    private void HandleAccepted(NodeAccepted accepted)
    {
        Timers.CancelAll();
        _orchestrator = Sender;
        // A node the orchestrator started learns of its end from its standard input closing. Only a node started by
        // hand watches the orchestrator over Akka.Remote: its heartbeats would declare a busy orchestrator lost (a
        // node whose thousands of tasks were just released can starve them for seconds).
        if (!_options.WatchStdin) Context.Watch(_orchestrator);
        _runId.RunId = accepted.RunId;
        if (accepted.KeepCpusAwake) KeepCpusAwake();
        _log.Info("Node {Node} joined run {RunId} in {JoinMs} ms with {Tasks} tasks, lock mode {LockMode}",
            _options.NodeId, accepted.RunId, (WireClock.NowUs() - _startedUs) / 1000.0, accepted.TaskIds.Count, accepted.LockMode);
        var self = Self;
        var selection = Context.ActorSelection(_options.Orchestrator + Protocol.LockPath);
        SetUp(accepted, selection, _orchestrator).PipeTo(self, self, failure: e => new SetupFailed(e.GetBaseException().Message));
        Become(SettingUp);
    }

    private void KeepCpusAwake()
    {
        _cpusAwake = CpuWakeLatency.HoldAtZero();
        if (_cpusAwake.Unavailable is { } why)
            _log.Warning("Node {Node} cannot keep this machine's CPUs out of slow idle states ({Reason}): its tasks may resume later after the instant",
                _options.NodeId, why);
        else
            _log.Debug("Node {Node} keeps this machine's CPUs out of slow idle states while it runs", _options.NodeId);
    }

    /// <summary>
    /// Measures this node's clock offset from the orchestrator's: a few round trips, keeping the shortest
    /// (its half is the uncertainty), once at set-up: every loop's is measured by the orchestrator from the loop's own
    /// messages. Runs off the actor's thread.
    /// </summary>
    private static async Task<(long OffsetUs, long UncertaintyUs)> MeasureClock(IActorRef orchestrator)
    {
        var samples = new List<(long, long, long)>(NodeTimings.SetUpProbes);
        for (var i = 0; i < NodeTimings.SetUpProbes; i++)
        {
            var sent = WireClock.NowUs();
            var reply = await orchestrator.Ask<ClockProbeReply>(new ClockProbe(sent), NodeTimings.ProbeTimeout);
            samples.Add((sent, reply.OrchestratorUs, WireClock.NowUs()));
        }
        return WireClock.BestOffset(samples);
    }

    private async Task<object> SetUp(NodeAccepted accepted, ActorSelection lockSelection, IActorRef orchestrator)
    {
        // Where the shared files are mounted elsewhere on this machine, the node's own paths win.
        accepted = accepted with { DbPath = _options.Db ?? accepted.DbPath, LockFile = _options.LockFile ?? accepted.LockFile };
        IActorRef? lockActor = accepted.Lock == RunnerLock.Orchestrator ? await lockSelection.ResolveOne(NodeTimings.LockActorLookup) : null;
        if (accepted.Lock == RunnerLock.File) FileTaskLock.ProveExclusion(accepted.LockFile, NodeTimings.ExclusionProofWithin);

        var scenario = ScenarioCatalog.Create(accepted.Scenario, _options.ScenarioAssembly ?? accepted.ScenarioAssembly);
        var run = ScenarioTerms.RunOf(accepted);
        scenario.Validate(run);

        // Before anything is opened: do this node's tasks fit its limits (descriptors, maps, threads, memory)?
        var cost = TaskCost.For(fileLock: accepted.Lock == RunnerLock.File, scenario.ResourcesPerTask);
        NodeCapacity.CheckShare(_options.NodeId, accepted.TaskIds.Count,
            NodeCapacity.ForThisProcess(MachineLimits.Read(), cost, ProcessUsage.Read()));

        var workers = new List<TaskWorker>(accepted.TaskIds.Count);
        using var spare = SetupDiagnosis.ReserveDescriptor();
        try
        {
            for (var i = 0; i < accepted.TaskIds.Count; i++)
            {
                var taskId = accepted.TaskIds[i];
                ITaskLock taskLock = accepted.Lock switch
                {
                    RunnerLock.File => new FileTaskLock(accepted.LockFile),
                    RunnerLock.Orchestrator => new OrchestratorTaskLock(lockActor!, taskId, _options.NodeId),
                    RunnerLock.None or RunnerLock.Scenario => new NoTaskLock(),
                    _ => throw new InvalidOperationException($"unknown lock {accepted.Lock} (lock mode {accepted.LockMode})"),
                };
                var log = new TaskLogger(_loggers.CreateLogger("ActorRunner.Scenario"), taskId);
                var context = new TaskContext(run, _options.NodeId, taskId, accepted.FirstTaskIndex + i, 0, log);
                var worker = new TaskWorker(context, log, () => scenario.CreateTask(context), taskLock,
                    TimeSpan.FromMicroseconds(accepted.LockHoldUs), _loggers.CreateLogger("task"), _stopping.Token);
                workers.Add(worker);
                OpenTask(worker, workers.Count - 1, accepted.TaskIds.Count, spare);
            }
        }
        catch
        {
            foreach (var worker in workers) worker.Dispose();
            throw;
        }
        var realTimeUnavailable = RealTimePriority.Unavailable();
        return new SetupDone(workers, await MeasureClock(orchestrator), realTimeUnavailable);
    }

    /// <summary>Opens one task; a failure says which task, how far the node got, and which resource ran out.</summary>
    private static void OpenTask(TaskWorker worker, int opened, int tasks, IDisposable spare)
    {
        try
        {
            worker.Open();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Read before the tasks give anything back (what this process holds is what ran out), with the one
            // descriptor kept for it.
            spare.Dispose();
            var usage = ProcessUsage.Read();
            throw new CapacityException(SetupDiagnosis.Explain(worker.TaskId, opened, tasks, e, MachineLimits.Read(), usage));
        }
    }

    private void SettingUp()
    {
        Receive<SetupDone>(done =>
        {
            _workers = done.Workers;
            var clock = done.Clock;
            if (done.RealTimeUnavailable is { } why)
                _log.Warning("Node {Node} cannot give its tasks real-time priority ({Reason}): tasks that spin for the release run at normal priority",
                    _options.NodeId, why);
            _log.Info("Node {Node} clock offset from the orchestrator: {ClockOffsetUs} us +/- {ClockUncertaintyUs} us",
                _options.NodeId, clock.OffsetUs, clock.UncertaintyUs);
            _orchestrator.Tell(new NodeReady(_options.NodeId, _workers.Count, clock.OffsetUs, clock.UncertaintyUs,
                Environment.ProcessorCount, MachineIdentity.Current));
            Become(Running);
        });
        Receive<SetupFailed>(failed =>
        {
            _log.Error("Node {Node} could not set up its tasks: {Reason}", _options.NodeId, failed.Reason);
            _orchestrator.Tell(new NodeFailed(_options.NodeId, failed.Reason));
            Exit(ExitCodes.Failed);
        });
        Receive<NodeAccepted>(_ => { });
        CommonHandlers();
    }

    private void Running()
    {
        // The node's clock is measured by the orchestrator on every loop from PrepareLoop and TasksReady (no round
        // trip of its own on the loop's path); the Release brings the instant already on this node's clock.
        Receive<PrepareLoop>(prepare =>
        {
            var orchestrator = _orchestrator;
            var self = Self;
            var round = new LoopRound(prepare.Loop, prepare.Wait, _workers.Count, _options.NodeId,
                ready => orchestrator.Tell(ready, self), report => orchestrator.Tell(report, self));
            // Each task parks for this loop once it has finished the one before (its rounds run in order).
            _rounds[prepare.Loop] = round;
            _rounds.Remove(prepare.Loop - 2);
            _log.Debug("Node {Node} parks {Tasks} tasks for loop {Loop}; they wait for the release by {ReleaseWait}",
                _options.NodeId, _workers.Count, prepare.Loop, prepare.Wait);
            foreach (var worker in _workers) worker.Enqueue(round);
        });
        Receive<Release>(release =>
        {
            if (!_rounds.TryGetValue(release.Loop, out var round))
            {
                _log.Warning("Node {Node} got a release for loop {Loop} it was not prepared for", _options.NodeId, release.Loop);
                return;
            }
            round.ReleaseReceivedUs = WireClock.NowUs();
            round.Gate.OpenAt(release.NodeReleaseAtUs);
            _log.Debug("Node {Node} releases loop {Loop} in {LeadUs} us", _options.NodeId, release.Loop, release.NodeReleaseAtUs - round.ReleaseReceivedUs);
        });
        Receive<AbortLoop>(abort =>
        {
            if (!_rounds.TryGetValue(abort.Loop, out var round)) return;
            var calledOff = round.Gate.Abort(abort.Reason);
            _log.Warning("Node {Node} was told to call off loop {Loop} ({Reason}); {Outcome}", _options.NodeId, abort.Loop, abort.Reason,
                calledOff ? "its tasks skip it" : "its tasks were already released and finish it");
        });
        Receive<NodeAccepted>(_ => { });
        CommonHandlers();
    }

    private void CommonHandlers()
    {
        Receive<Shutdown>(_ =>
        {
            _log.Info("Node {Node} was told the run is over", _options.NodeId);
            Exit(ExitCodes.Done);
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_orchestrator), _ =>
        {
            _log.Error("Node {Node} lost the orchestrator at {Address}; exiting", _options.NodeId, _options.Orchestrator);
            Exit(ExitCodes.Failed);
        });
        ReceiveAny(message => _log.Warning("Node {Node} ignored {MessageType} in its current state", _options.NodeId, message.GetType().Name));
    }

    private void Exit(int code)
    {
        _stopping.Cancel();
        _exit.TrySetResult(code);
        Become(() => ReceiveAny(_ => { }));
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        foreach (var worker in _workers) worker.Dispose();
        _cpusAwake?.Dispose();
        // Stopped without having decided to leave (its actor system ended under it, e.g. remoting gave up): the
        // process must not wait for a decision that will never come.
        if (_exit.TrySetResult(ExitCodes.Failed))
            _log.Error("Node {Node} stopped before leaving the run (its actor system ended); exiting", _options.NodeId);
    }
}
