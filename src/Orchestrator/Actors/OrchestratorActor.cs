using ActorRunner.Messages;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Hosting;
using ActorRunner.Orchestrator.Launching;
using ActorRunner.Orchestrator.Releasing;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;
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
    /// <param name="Stopped">Why the loops stop after this one, when they do (decided with the verdict, once).</param>
    /// <param name="NextPrepared">The next loop's reset (BeforeTasks) has run, right after the verdict.</param>
    /// <param name="PrepareFailure">Why the next loop's reset failed, when it did.</param>
    private sealed record LoopJudged(int Loop, LoopVerification Verification, StoppedBy? Stopped, bool NextPrepared, string? PrepareFailure);
    private sealed record StoreFailed(string Reason);
    private sealed class JoinTimedOut { public static readonly JoinTimedOut Instance = new(); }
    private sealed record BarrierTimedOut(int Loop);
    private sealed record LoopTimedOut(int Loop);

    private sealed class NodeEntry(string id, bool local, IReadOnlyList<string> taskIds, int firstTaskIndex, string? launchedOn = null)
    {
        public string Id { get; } = id;
        /// <summary>The host the orchestrator started this remote node on (null: local, or started by hand).</summary>
        public string? LaunchedOn { get; } = launchedOn;
        public int FirstTaskIndex { get; } = firstTaskIndex;
        public bool Local { get; } = local;
        public IReadOnlyList<string> TaskIds { get; } = taskIds;
        public IActorRef? Ref { get; set; }
        public int Pid { get; set; }
        public string Host { get; set; } = "";
        public double JoinMs { get; set; }
        public bool Ready { get; set; }
        public int? ExitCode { get; set; }
        public string? Lost { get; set; }
        /// <summary>The node's clock, as best known, and when that was (orchestrator clock).</summary>
        public NodeClock Clock { get; set; } = NodeClock.Same;
        public long ClockKnownAtUs { get; set; }
        public int Cores { get; set; }
        public string Machine { get; set; } = "";
        public ReleaseWait ReleaseWait { get; set; }
        /// <summary>When this loop's PrepareLoop was sent to the node (orchestrator clock): half of a clock probe.</summary>
        public long PrepareSentUs { get; set; }
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RunSettings _settings;
    private readonly RunContext _run;
    private readonly ScenarioSteps _scenario;
    private readonly IRunObserver _observer;
    private readonly TaskCompletionSource<RunOutcome> _done;
    private readonly IActorRef _launcher;
    private readonly IActorRef _lock;
    private readonly Dictionary<string, NodeEntry> _nodes = new();
    private readonly Queue<(IReadOnlyList<string> Tasks, int First)> _remoteSlots = new();
    private readonly LoopBook _book = new();
    private readonly LoopPlan _plan;
    private readonly long _startedUs = WireClock.NowUs();
    private long _firstLoopStartUs;
    private long _lastVerdictUs;
    private StoppedBy _stoppedBy = StoppedBy.Failure;
    private readonly TimelineRecorder _timeline;
    private readonly ReleaseLead _releaseLead;

    // The loop under way.
    private int _loop;
    private long _loopStartUs;
    private long _releaseAtUs;
    private long _releaseSentUs;
    private long _lateReleases;
    private const int LateReleasesWarned = 20;
    private TimeSpan _releaseIn;
    private readonly HashSet<string> _readyNodes = new();
    private bool _loopPrepared;
    private readonly Dictionary<string, TaskReport> _reports = new();
    private readonly Dictionary<string, TaskError> _missing = new();
    private readonly Dictionary<string, NodeClock> _loopClocks = new();
    private readonly List<ClockStep> _clockSteps = new();
    private string? _loopAbort;

    // The next loop, when its tasks were parked while this one finished and was judged (ParkAhead), and its nodes'
    // TasksReady with the instants they arrived.
    private int _parkingAhead;
    private long _parkingAheadSentUs;
    private readonly HashSet<string> _parkedAheadNodes = new();
    // Reports of the loop under way, by node: a node whose tasks have all reported parks ahead.
    private readonly Dictionary<string, int> _reportsByNode = new();
    private readonly List<(TasksReady Ready, long ReceivedUs)> _readyAhead = new();

    private double _startupMs;
    private string? _abortReason;
    private bool _interrupted;

    private readonly RunPhase _phase;

    public OrchestratorActor(RunSettings settings, RunContext run, ScenarioSteps scenario, IRunObserver observer,
        Props launcherProps, TaskCompletionSource<RunOutcome> done, RunPhase phase)
    {
        _phase = phase;
        _phase.Enter("joining", 0);
        _settings = settings;
        _plan = new LoopPlan(settings.Loops, settings.Duration);
        _releaseLead = new ReleaseLead(settings.ReleaseLead);
        _run = run;
        _scenario = scenario;
        _observer = observer;
        _done = done;
        _timeline = new TimelineRecorder(run.ProcessStartUs, e =>
        {
            if (e.Message is not null && _log.IsDebugEnabled)
                _log.Debug("{Event} {MessageType} {From} -> {To} at {TimeUs} us (loop {Loop}, task {Task})",
                    new object?[] { e.Event, e.Message, e.From, e.To, e.TimeUs, e.Loop, e.Task });
        });
        _launcher = Context.ActorOf(launcherProps, "node-launcher");
        _lock = Context.ActorOf(LockActor.Props(), Protocol.LockActorName);

        var slots = settings.TaskSlots();
        var firsts = slots.Select((_, i) => slots.Take(i).Sum(slot => slot.Count)).ToList();
        for (var i = 0; i < settings.Nodes; i++)
        {
            var id = $"node-{i + 1}";
            _nodes[id] = new NodeEntry(id, local: true, slots[i], firsts[i]);
        }
        // Remote nodes the orchestrator starts itself come next, one per host; the rest join by hand.
        for (var i = 0; i < settings.RemoteHosts.Count; i++)
        {
            var slot = settings.Nodes + i;
            var id = $"node-{slot + 1}";
            _nodes[id] = new NodeEntry(id, local: false, slots[slot], firsts[slot], settings.RemoteHosts[i]);
        }
        for (var i = settings.Nodes + settings.RemoteHosts.Count; i < slots.Count; i++) _remoteSlots.Enqueue((slots[i], firsts[i]));
        Joining();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private Address Address => ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;

    private int ExpectedTasks => _settings.Tasks;

    protected override void PreStart()
    {
        var address = Address.ToString();
        _observer.RunStarting(_settings, _run, address);
        _timeline.Note("run-started", null, address);
        _log.Info("Run {RunId} starts: scenario {Scenario}, {Tasks} tasks on {Nodes} local and {RemoteNodes} remote nodes, {Loops} loops (0: no count limit), duration {DurationS} s (0: none), lock {LockMode}, orchestrator at {Address}",
            new object[] { _run.RunId, _settings.Scenario, _settings.Tasks, _settings.Nodes, _settings.RemoteNodes, _settings.Loops, _settings.Duration.TotalSeconds, _settings.LockModeName, address });
        var launches = _nodes.Values.Where(n => n.Local || n.LaunchedOn is not null).Select(n => Launch(n, address)).ToList();
        if (launches.Count > 0) _launcher.Tell(new NodeLauncher.StartNodes(launches));
        Timers.StartSingleTimer("join", JoinTimedOut.Instance, _settings.JoinLimit);
    }

    /// <summary>
    /// How a node the orchestrator starts is started: a local one with the node program beside this one, its log in
    /// the run's logs folder; a remote one through the launch template on its host, its CLEF log on its standard
    /// output, which the launcher writes to the same place.
    /// </summary>
    private NodeLauncher.NodeLaunch Launch(NodeEntry node, string address)
    {
        var log = Path.Combine(_run.LogsFolder, node.Id + ".clef");
        var tls = _settings.Tls ? (_settings.TlsCert, _settings.TlsKey, _settings.TlsCa) : ((string, string, string)?)null;
        if (node.LaunchedOn is not { } host)
        {
            var local = new NodeCommandLine(address, _run.Token, _run.RunId, node.Id, _settings.Hostname == "localhost" ? "localhost" : "127.0.0.1",
                null, _settings.JoinTimeout, log, _settings.LogLevel, WatchStdin: true,
                _settings.ScenarioAssembly.Length > 0 ? _settings.ScenarioAssembly : null, tls);
            return new NodeLauncher.NodeLaunch(node.Id, local.ToArguments());
        }
        // The node binds every address of its host and is reached at the host's name; its scenario assembly, when
        // there is one, is found at the orchestrator's path (NodeAccepted) unless the host is told otherwise.
        var remote = new NodeCommandLine(address, _run.Token, _run.RunId, node.Id, "0.0.0.0", LaunchTemplate.HostName(host),
            _settings.JoinTimeout, NodeCommandLine.StandardOutput, _settings.LogLevel, WatchStdin: true, null, tls);
        return new NodeLauncher.NodeLaunch(node.Id, remote.ToArguments(), LaunchTemplate.Parse(_settings.RemoteLaunch).Command(host, remote.ToArguments()), log);
    }

    // ---- joining -------------------------------------------------------------------------------

    private void Joining()
    {
        Receive<RegisterNode>(HandleRegister);
        Receive<NodeReady>(HandleNodeReady);
        Receive<NodeFailed>(failed => Abort($"node {failed.NodeId} could not set up: {failed.Reason}"));
        Receive<JoinTimedOut>(_ => Abort(JoinTimeoutReason()));
        NodeLossHandlers(lost => Abort(lost));
        CommonHandlers();
    }

    private void HandleRegister(RegisterNode register)
    {
        _timeline.Received(register, register.NodeId, null);
        var refusal = Refusal(register, out var entry);
        if (refusal is not null)
        {
            _log.Warning("Refused node {Node} from {Address} (pid {Pid}): {Reason}", register.NodeId, Sender.Path.Address, register.Pid, refusal);
            Sender.Tell(new NodeRejected(register.NodeId, refusal));
            return;
        }
        if (entry!.Ref is null)
        {
            entry.Ref = Sender;
            entry.Pid = register.Pid;
            entry.Host = register.Host;
            entry.JoinMs = (WireClock.NowUs() - _startedUs) / 1000.0;
            // A node this orchestrator started is watched as a process (the launcher reports its exit); only a node
            // started by hand is watched over Akka.Remote, whose heartbeats a machine busy with thousands of
            // released tasks can hold up for seconds.
            if (!entry.Local && entry.LaunchedOn is null) Context.Watch(Sender);
            _log.Info("Node {Node} registered from {Address} (pid {Pid}) with {Tasks} tasks", entry.Id, Sender.Path.Address, register.Pid, entry.TaskIds.Count);
        }
        var accepted = new NodeAccepted(_run.RunId, entry.Id, _settings.Lock, _settings.LockModeName, _run.LockFile, _run.DbPath,
            (long)_settings.LockTimeout.TotalMilliseconds, (long)_settings.LockHold.TotalMicroseconds,
            _settings.Scenario, _settings.ScenarioAssembly, _settings.ScenarioSection, _settings.ScenarioSettings,
            _settings.Tasks, _settings.Loops, entry.FirstTaskIndex, entry.TaskIds);
        Sender.Tell(accepted);
        _timeline.Sent(accepted, entry.Id, null);
    }

    /// <summary>Why a registration is refused, or null (with the node's entry) when it is accepted.</summary>
    private string? Refusal(RegisterNode register, out NodeEntry? entry)
    {
        entry = null;
        if (register.ProtocolVersion != Protocol.Version)
            return $"protocol version {register.ProtocolVersion}; this orchestrator speaks version {Protocol.Version}";
        if (!string.Equals(register.Token, _run.Token, StringComparison.Ordinal))
            return "wrong token";
        if (register.RunId.Length > 0 && register.RunId != _run.RunId)
            return $"the node belongs to run {register.RunId}; this is run {_run.RunId}";
        if (_nodes.TryGetValue(register.NodeId, out var known))
        {
            if (known.Ref is not null && !known.Ref.Equals(Sender)) return $"node id {register.NodeId} is taken";
            entry = known;
            return null;
        }
        if (_remoteSlots.Count == 0) return "the run expects no more nodes";
        var (tasks, first) = _remoteSlots.Dequeue();
        entry = new NodeEntry(register.NodeId, local: false, tasks, first);
        _nodes[entry.Id] = entry;
        return null;
    }

    private void HandleNodeReady(NodeReady ready)
    {
        if (!_nodes.TryGetValue(ready.NodeId, out var entry) || entry.Ready) return;
        _timeline.Received(ready, entry.Id, null);
        entry.Ready = true;
        entry.Clock = new NodeClock(ready.ClockOffsetUs, ready.ClockUncertaintyUs);
        entry.ClockKnownAtUs = WireClock.NowUs();
        (entry.Cores, entry.Machine) = (ready.Cores, ready.Machine);
        var readyCount = _nodes.Values.Count(n => n.Ready);
        _observer.NodeJoined(entry.Id, entry.JoinMs, readyCount, _settings.TotalNodes);
        _log.Info("Node {Node} is ready with {Tasks} tasks ({ReadyNodes} of {TotalNodes})", entry.Id, ready.Tasks, readyCount, _settings.TotalNodes);
        if (readyCount < _settings.TotalNodes) return;
        Timers.Cancel("join");
        _startupMs = (WireClock.NowUs() - _run.ProcessStartUs) / 1000.0;
        _log.Info("All {TotalNodes} nodes ready {StartupMs} ms after the orchestrator started", _settings.TotalNodes, Math.Round(_startupMs, 1));
        ChooseReleaseWaits();
        StartLoop(1);
    }

    /// <summary>How each node's tasks wait for the release, from the nodes' tasks, cores and machines (release.wait).</summary>
    private void ChooseReleaseWaits()
    {
        var plan = ReleaseWaitPlan.Choose(_settings.ReleaseWait,
            _nodes.Values.Select(n => new NodeShape(n.Id, n.Machine, n.TaskIds.Count, n.Cores)).ToList());
        foreach (var node in _nodes.Values)
        {
            node.ReleaseWait = plan[node.Id];
            _log.Info("Node {Node} ({Tasks} tasks, {Cores} cores) waits for the release by {ReleaseWait}",
                node.Id, node.TaskIds.Count, node.Cores, node.ReleaseWait);
        }
    }

    private string JoinTimeoutReason()
    {
        var missing = _nodes.Values.Where(n => !n.Ready).Select(n => n.Ref is null ? $"{n.Id} (never registered)" : $"{n.Id} (registered, not set up)").ToList();
        if (_remoteSlots.Count > 0)
            missing.Add($"{_remoteSlots.Count} of {_settings.RemoteNodes} remote nodes (came: {string.Join(", ", _nodes.Values.Where(n => !n.Local).Select(n => $"{n.Id}@{n.Host}").DefaultIfEmpty("none"))})");
        return $"not every node joined within {_settings.JoinLimit.TotalSeconds:0.###} s: missing {string.Join("; ", missing)}";
    }

    // ---- one loop ------------------------------------------------------------------------------

    /// <param name="prepared">The scenario has prepared the loop already (its reset ran right after the last verdict).</param>
    private void StartLoop(int loop, bool prepared = false)
    {
        var parkedAhead = _parkingAhead == loop;
        var parkedNodes = parkedAhead ? _parkedAheadNodes.ToHashSet() : [];
        _parkingAhead = 0;
        _parkedAheadNodes.Clear();
        _reportsByNode.Clear();
        _loop = loop;
        // A loop parked ahead begins when the one before it ended (its verdict), not when its PrepareLoop went out
        // while that one was under way: loops' durations do not overlap.
        _loopStartUs = parkedAhead ? Math.Max(_parkingAheadSentUs, _lastVerdictUs) : WireClock.NowUs();
        if (loop == 1) _firstLoopStartUs = _loopStartUs;
        _readyNodes.Clear();
        _loopPrepared = prepared;
        _reports.Clear();
        _missing.Clear();
        _loopClocks.Clear();
        _loopAbort = null;
        _releaseAtUs = 0;
        _releaseSentUs = 0;
        if (!prepared)
        {
            _log.Debug("Loop {Loop}: scenario {Scenario} prepares the loop while the nodes park their tasks", loop, _scenario.Name);
            // The reset and the parking overlap: no task acts before the Release, which waits for both.
            var scenario = _scenario;
            Task.Run(() => scenario.BeforeTasks(loop))
                .PipeTo(Self, success: () => new LoopPrepared(loop),
                    failure: e => new StoreFailed(PrepareFailed(scenario.Name, loop, e)));
        }
        SendPrepareLoop(loop, LiveNodes.Where(n => !parkedNodes.Contains(n.Id)));
        Timers.StartSingleTimer("barrier", new BarrierTimedOut(loop), _settings.BarrierTimeout);
        Enter("barrier", Barrier);
        // Taken out first: the last of them may release this loop, which parks the next one ahead afresh.
        var readyAhead = _readyAhead.ToList();
        _readyAhead.Clear();
        foreach (var (ready, receivedUs) in readyAhead) NodeTasksReady(ready, receivedUs);
    }

    private static string PrepareFailed(string scenario, int loop, Exception e) =>
        $"scenario {scenario} could not prepare loop {loop} (BeforeTasks): {e.GetBaseException().Message}";

    /// <summary>Tells these nodes to park their tasks for <paramref name="loop"/> (each send is half of a clock probe).</summary>
    private void SendPrepareLoop(int loop, IEnumerable<NodeEntry> nodes)
    {
        foreach (var node in nodes)
        {
            node.PrepareSentUs = WireClock.NowUs();
            var prepare = new PrepareLoop(loop, node.ReleaseWait, node.PrepareSentUs);
            node.Ref!.Tell(prepare);
            _timeline.Sent(prepare, node.Id, loop);
        }
    }

    /// <summary>
    /// A node whose tasks have all reported this loop is told at once to park them for the next one, while the other
    /// nodes' tasks finish and the loop is read and judged: the next loop's barrier fills meanwhile. Parking acts on
    /// nothing, and the next Release still waits for the verdict, the reset and every node's TasksReady. The node
    /// answers as soon as its tasks are parked, so the PrepareLoop and its TasksReady stay one short exchange, a
    /// clock measurement no step of the node's clock can fall into unseen (a longer one, spanning a loop, could
    /// halve a step). Only while nothing has gone wrong in the loop and its count allows another; should the verdict
    /// end the run, the parked tasks are let go by the shutdown. <paramref name="nodes"/>: the nodes to park now.
    /// </summary>
    private void ParkAhead(int loop, IEnumerable<NodeEntry> nodes)
    {
        if (_loopAbort is not null || _missing.Count > 0 || loop >= _plan.LastLoop || _nodes.Values.Any(n => n.Lost is not null)) return;
        if (_parkingAhead != loop + 1)
        {
            _parkingAhead = loop + 1;
            _parkingAheadSentUs = WireClock.NowUs();
            _parkedAheadNodes.Clear();
            _readyAhead.Clear();
        }
        var toPark = nodes.Where(n => _parkedAheadNodes.Add(n.Id)).ToList();
        SendPrepareLoop(loop + 1, toPark);
    }

    private void Barrier()
    {
        Receive<TasksReady>(ready =>
        {
            if (ready.Loop != _loop) return;
            _timeline.Received(ready, ready.NodeId, ready.Loop);
            NodeTasksReady(ready, WireClock.NowUs());
        });
        Receive<LoopPrepared>(prepared => prepared.Loop == _loop, _ =>
        {
            _loopPrepared = true;
            ReleaseWhenSet();
        });
        Receive<StoreFailed>(failed => Abort(failed.Reason));
        Receive<BarrierTimedOut>(timeout => timeout.Loop == _loop, _ =>
        {
            var missing = _nodes.Values.Where(n => !_readyNodes.Contains(n.Id)).Select(n => n.Id);
            EndLoop($"barrier timeout after {_settings.BarrierTimeout.TotalSeconds:0.###} s: not ready: {string.Join(", ", missing)}", stillRunning: false);
        });
        NodeLossHandlers(lost => EndLoop(lost, stillRunning: false));
        CommonHandlers();
    }

    /// <summary>A node has every task parked for this loop; its TasksReady arrived at <paramref name="receivedUs"/>.</summary>
    private void NodeTasksReady(TasksReady ready, long receivedUs)
    {
        if (_nodes.TryGetValue(ready.NodeId, out var entry))
        {
            // PrepareLoop out and TasksReady back are a clock probe: the loop's offset, with no round trip of its own.
            var (offsetUs, uncertaintyUs) = WireClock.Exchange(entry.PrepareSentUs, ready.PrepareReceivedUs, ready.ReadyAtUs, receivedUs);
            MeasuredClock(entry, new NodeClock(offsetUs, uncertaintyUs));
        }
        _readyNodes.Add(ready.NodeId);
        _log.Debug("Loop {Loop}: node {Node} has every task parked ({ReadyNodes} of {TotalNodes})", _loop, ready.NodeId, _readyNodes.Count, _settings.TotalNodes);
        ReleaseWhenSet();
    }

    /// <summary>
    /// A node's clock as measured just before this loop: the loop's instants from the node are moved by the best of it
    /// and what was known (<see cref="NodeClock.Better"/>); a jump from what was known larger than both uncertainties
    /// is a step, named in the report and on the console.
    /// </summary>
    private void MeasuredClock(NodeEntry entry, NodeClock measured)
    {
        var now = WireClock.NowUs();
        var known = entry.Clock.Aged(now - entry.ClockKnownAtUs);
        _log.Debug("Loop {Loop}: node {Node} measured its clock offset as {ClockOffsetUs} us +/- {ClockUncertaintyUs} us (known: {KnownOffsetUs} us +/- {KnownUncertaintyUs} us)",
            new object[] { _loop, entry.Id, measured.OffsetUs, measured.UncertaintyUs, known.OffsetUs, known.UncertaintyUs });
        var clock = NodeClock.Better(known, measured);
        if (NodeClock.StepUs(known, measured) is { } stepUs)
        {
            var step = new ClockStep(entry.Id, _loop, stepUs / 1000.0, (known.UncertaintyUs + measured.UncertaintyUs) / 1000.0);
            _clockSteps.Add(step);
            _observer.ClockStepped(step);
            _log.Warning("Loop {Loop}: the clock of node {Node} stepped by {StepMs} ms (+/- {UncertaintyMs} ms) since the last measurement; this loop on uses the new offset",
                _loop, entry.Id, step.StepMs, step.UncertaintyMs);
        }
        if (clock == measured) (entry.Clock, entry.ClockKnownAtUs) = (measured, now);
        _loopClocks[entry.Id] = clock;
    }

    /// <summary>A node's clock for this loop: as measured before it, else as last measured.</summary>
    private NodeClock ClockOf(string nodeId) =>
        _loopClocks.TryGetValue(nodeId, out var clock) ? clock : _nodes.TryGetValue(nodeId, out var entry) ? entry.Clock : NodeClock.Same;

    /// <summary>Releases once the scenario has prepared the loop and every node has its tasks parked.</summary>
    private void ReleaseWhenSet()
    {
        if (_loopPrepared && _readyNodes.Count == _settings.TotalNodes) ReleaseAll();
    }

    private void ReleaseAll()
    {
        Timers.Cancel("barrier");
        // The agreed instant: after the release delay, and never sooner than the lead every node needs to have it.
        var lead = _releaseLead.Next;
        _releaseIn = _settings.ReleaseDelay > lead ? _settings.ReleaseDelay : lead;
        _releaseSentUs = WireClock.NowUs();
        _releaseAtUs = _releaseSentUs + (long)_releaseIn.TotalMicroseconds;
        foreach (var node in LiveNodes)
        {
            // Each node gets the instant on its own clock too: the conversion is made here, where the offsets are.
            var release = new Release(_loop, _releaseAtUs, ClockOf(node.Id).ToNodeUs(_releaseAtUs));
            node.Ref!.Tell(release);
            _timeline.Sent(release, node.Id, _loop);
        }
        if (LoopDetail.Planned(_loop)) _log.Info("Loop {Loop}: every task parked; release at {ReleaseAtUs}", _loop, _releaseAtUs);
        else _log.Debug("Loop {Loop}: every task parked; release at {ReleaseAtUs}", _loop, _releaseAtUs);
        var limit = _releaseIn + _settings.LockTimeout + _settings.LoopTimeout;
        Timers.StartSingleTimer("loop", new LoopTimedOut(_loop), limit);
        Enter("collecting", Collecting);
    }

    private void Collecting()
    {
        Receive<TaskReport>(HandleReport);
        ReadyAheadHandler();
        Receive<LoopTimedOut>(timeout => timeout.Loop == _loop, _ =>
        {
            var silent = new List<string>();
            foreach (var node in _nodes.Values)
            {
                var unreported = node.TaskIds.Where(t => !_reports.ContainsKey(t) && !_missing.ContainsKey(t)).ToList();
                if (unreported.Count > 0) silent.Add($"{node.Id} ({unreported.Count} tasks)");
                foreach (var task in unreported)
                    _missing[task] = new TaskError(task, node.Id, "no report before the loop timeout", Indeterminate: true);
            }
            var limit = _releaseIn + _settings.LockTimeout + _settings.LoopTimeout;
            EndLoop($"loop timeout after {limit.TotalSeconds:0.###} s: no reports from {string.Join(", ", silent)}", stillRunning: true);
        });
        NodeLossHandlers(lost =>
        {
            // Tasks still parked (the release instant may be far off) skip the loop; released ones finish it.
            var abort = new AbortLoop(_loop, lost);
            foreach (var node in LiveNodes)
            {
                node.Ref!.Tell(abort);
                _timeline.Sent(abort, node.Id, _loop);
            }
            if (_reports.Count + _missing.Count >= ExpectedTasks) EndLoop(null, stillRunning: true);
        });
        CommonHandlers();
    }

    private void HandleReport(TaskReport report)
    {
        if (report.Loop != _loop)
        {
            _log.Warning("Loop {Loop}: ignored a late report of task {Task} from loop {ReportLoop}", _loop, report.TaskId, report.Loop);
            return;
        }
        _timeline.Received(report, report.NodeId, report.Loop, report.TaskId);
        if (_missing.ContainsKey(report.TaskId) || !_reports.TryAdd(report.TaskId, report))
        {
            _log.Warning("Loop {Loop}: ignored a second report of task {Task}", _loop, report.TaskId);
            return;
        }
        _observer.TaskReported(_loop, _reports.Count + _missing.Count, ExpectedTasks);
        if (_nodes.TryGetValue(report.NodeId, out var reporting)
            && (_reportsByNode[report.NodeId] = _reportsByNode.GetValueOrDefault(report.NodeId) + 1) == reporting.TaskIds.Count)
            ParkAhead(_loop, [reporting]);
        if (report.Outcome == TaskOutcome.Committed)
            _log.Debug("Loop {Loop}: task {Task} on {Node} read {Observed} and wrote {Written}; released at {ReleasedUs} us (node clock), {ReleasedOrchestratorUs} us (orchestrator clock)",
                new object[] { _loop, report.TaskId, report.NodeId, report.Observed, report.Written, report.Phases.ReleasedUs,
                    ClockOf(report.NodeId).ToOrchestratorUs(report.Phases.ReleasedUs) });
        else
            _log.Warning("Loop {Loop}: task {Task} on {Node} {Outcome}: {Error}", _loop, report.TaskId, report.NodeId, report.Outcome, report.Error);
        if (_reports.Count + _missing.Count >= ExpectedTasks) EndLoop(null, stillRunning: true);
    }

    /// <summary>Ends the loop: reads the counter and verifies. Tasks not yet accounted for never ran.</summary>
    private void EndLoop(string? abortReason, bool stillRunning)
    {
        Timers.Cancel("barrier");
        Timers.Cancel("loop");
        _loopAbort ??= abortReason;
        if (!stillRunning)
        {
            foreach (var node in _nodes.Values)
            foreach (var task in node.TaskIds.Where(t => !_reports.ContainsKey(t) && !_missing.ContainsKey(t)))
                _missing[task] = new TaskError(task, node.Id, "never released", Indeterminate: false);
        }
        var loop = _loop;
        Enter("verifying", Verifying);
        // No task released: none can have acted, so the outcome is not read (reading the store could race the
        // loop's own reset and show the previous loop's outcome).
        var read = _releaseAtUs != 0;
        if (!read)
            _loopAbort = _loopAbort is null ? "no task was released, the outcome was not read" : $"{_loopAbort}; no task was released, the outcome was not read";
        var (scenario, expected, reports, missing, abort) = (_scenario, ExpectedTasks, _reports.Values.ToList(), _missing.Values.ToList(), _loopAbort);
        var suspects = SuspectNodes();
        if (stillRunning && read) ParkAhead(loop, LiveNodes);
        // The next loop's reset follows the verdict at once, on the same thread, when the run goes on: whether it
        // does is decided here, with the verdict, and the actor follows that decision.
        var goesOnIfVerified = stillRunning && read && abort is null && !_nodes.Values.Any(n => n.Lost is not null);
        var (plan, continueOnFailure, firstLoopStartUs) = (_plan, _settings.ContinueOnFailure, _firstLoopStartUs);
        Task.Run(() =>
            {
                var verification = scenario.EndLoop(loop, expected, reports, missing, abort, read);
                var stopped = plan.After(loop, Elapsed(firstLoopStartUs));
                if (!goesOnIfVerified || stopped is not null || (verification.Verdict != Verdict.Verified && !continueOnFailure))
                    return new LoopJudged(loop, verification, stopped, NextPrepared: false, PrepareFailure: null);
                try
                {
                    scenario.BeforeTasks(loop + 1);
                    return new LoopJudged(loop, verification, stopped, NextPrepared: true, PrepareFailure: null);
                }
                catch (Exception e)
                {
                    return new LoopJudged(loop, verification, stopped, NextPrepared: false, PrepareFailure: PrepareFailed(scenario.Name, loop + 1, e));
                }
            })
            .PipeTo(Self, failure: e => new StoreFailed($"scenario {scenario.Name} could not read or judge loop {loop} (AfterTasks, ResultOk): {e.GetBaseException().Message}{suspects}"));
    }

    /// <summary>Nodes lost or silent in this loop, which may hold the store: named when reading it fails.</summary>
    private string SuspectNodes()
    {
        var suspects = _nodes.Values.Where(n => n.Lost is not null || n.TaskIds.Any(t => _missing.TryGetValue(t, out var e) && e.Indeterminate))
            .Select(n => n.Id).ToList();
        return suspects.Count == 0 ? "" : $" (nodes lost or silent in loop {_loop}, one of which may hold the store: {string.Join(", ", suspects)})";
    }

    private void Verifying()
    {
        Receive<LoopJudged>(HandleJudged);
        ReadyAheadHandler();
        Receive<StoreFailed>(failed => Abort(failed.Reason));
        Receive<TaskReport>(HandleReport);
        NodeLossHandlers(_ => { });
        CommonHandlers();
    }

    /// <summary>A TasksReady for the loop parked ahead, kept until that loop starts.</summary>
    private void ReadyAheadHandler() =>
        Receive<TasksReady>(ready => ready.Loop == _parkingAhead && _parkingAhead != 0, ready =>
        {
            _timeline.Received(ready, ready.NodeId, ready.Loop);
            _readyAhead.Add((ready, WireClock.NowUs()));
        });

    private void HandleJudged(LoopJudged read)
    {
        var verification = read.Verification;
        if (LongHolder.Finding(_reports.Values, _settings.LockTimeout) is { } holder) verification = verification with { Findings = [.. verification.Findings, holder] };
        // Nodes that never said they were ready this loop keep their last measured clock.
        var clocks = _nodes.Keys.ToDictionary(id => id, ClockOf);
        var lateNodes = MeasureReleaseDelivery();
        var now = WireClock.NowUs();
        var record = new LoopRecord(read.Loop, _settings.Loops, verification, LoopTimings.From(_reports.Values, clocks),
            (now - _loopStartUs) / 1000.0, _releaseAtUs, _reports.Values.ToList(), clocks)
        {
            ReleaseLeadMs = _releaseAtUs > 0 ? (_releaseAtUs - _releaseSentUs) / 1000.0 : 0,
            LateReleaseNodes = lateNodes,
        };
        _lastVerdictUs = now;
        _timeline.Note("loop-verdict", read.Loop, $"{verification.Verdict.Name()}: {verification.Outcome.Summary}");
        var kept = _book.Add(record, _timeline.TakeLoop(read.Loop));
        _observer.LoopDone(record, kept, new LoopProgress(_book.LoopsRun, _book.Verified, _book.Violated, _book.Inconclusive, LoopsElapsed));
        LogVerdict(record, kept);

        // A loop cut short (a node lost, a timeout) ends the run whatever continue-on-failure says: its nodes or
        // tasks cannot be trusted to run another loop.
        if (_loopAbort is not null || _nodes.Values.Any(n => n.Lost is not null)) Finish(_loopAbort ?? "a node was lost");
        else if (verification.Verdict != Verdict.Verified && !_settings.ContinueOnFailure) Finish(null);
        else if (read.Stopped is { } stoppedBy)
        {
            _stoppedBy = stoppedBy;
            if (stoppedBy == StoppedBy.Duration)
                _log.Info("Run {RunId}: the time budget of {DurationS} s is spent after {LoopsRun} loops", _run.RunId, _settings.Duration.TotalSeconds, _book.LoopsRun);
            Finish(null);
        }
        else if (read.PrepareFailure is { } failure) Abort(failure);
        else StartLoop(read.Loop + 1, read.NextPrepared);
    }

    /// <summary>From the first loop's start to the last verdict (or now, while a loop is under way).</summary>
    private TimeSpan LoopsElapsed => Elapsed(_firstLoopStartUs);

    private static TimeSpan Elapsed(long firstLoopStartUs) =>
        firstLoopStartUs == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(WireClock.NowUs() - firstLoopStartUs);

    /// <summary>A kept loop's verdict and findings at information level; the others' at debug, so a long hunt's log stays small.</summary>
    private void LogVerdict(LoopRecord record, bool kept)
    {
        var verification = record.Verification;
        var level = kept ? LogLevel.InfoLevel : LogLevel.DebugLevel;
        if (!_log.IsEnabled(level)) return;
        _log.Log(level, "Loop {Loop} of {Loops}: {Outcome} (value {Counter}, {Expected} tasks), {Verdict}; release spread {ReleaseSpreadMs} ms, {CriticalSectionsPerSecond} critical sections/s",
            new object[] { record.Loop, _settings.Loops, verification.Outcome.Summary, verification.Counter, verification.Expected, verification.Verdict.Name(),
            Math.Round(record.Timings.ReleaseSpreadMs.Max, 3), Math.Round(record.Timings.CriticalSectionsPerSecond, 1) });
        // The console shows the findings already (ConsoleReporter); the log file keeps every one of a kept loop.
        foreach (var finding in verification.Findings)
            _log.Log(level, "Loop {Loop} finding: {Finding}", new object[] { record.Loop, finding });
    }

    /// <summary>
    /// How long the loop's Release took to reach each node (from the reports' arrival stamps, on the orchestrator's
    /// clock): the slowest feeds the next loops' lead. A node that had it only after its instant is named.
    /// </summary>
    private IReadOnlyList<string> MeasureReleaseDelivery()
    {
        if (_releaseSentUs == 0) return [];
        var deliveries = _reports.Values.Where(r => r.Phases.ReleaseReceivedUs > 0)
            .GroupBy(r => r.NodeId)
            .Select(g => (Node: g.Key, Us: _nodes.TryGetValue(g.Key, out var n)
                ? ClockOf(n.Id).ToOrchestratorUs(g.First().Phases.ReleaseReceivedUs) - _releaseSentUs
                : 0))
            .ToList();
        if (deliveries.Count == 0) return [];
        _releaseLead.Observed(deliveries.Max(d => d.Us));
        var leadUs = _releaseAtUs - _releaseSentUs;
        var late = deliveries.Where(d => d.Us > leadUs).ToList();
        foreach (var (node, us) in late)
        {
            // A long hunt on a busy machine can have many: the first few are warnings, the rest go to the log file.
            var level = ++_lateReleases <= LateReleasesWarned ? LogLevel.WarningLevel : LogLevel.DebugLevel;
            _log.Log(level, "Loop {Loop}: node {Node} got the release {LateMs} ms after its instant (lead {LeadMs} ms); its tasks started late{More}",
                new object[] { _loop, node, Math.Round((us - leadUs) / 1000.0, 3), Math.Round(leadUs / 1000.0, 3),
                    _lateReleases == LateReleasesWarned ? "; further late releases are logged at debug level" : "" });
        }
        return late.Select(d => d.Node).ToList();
    }

    // ---- node loss, interruption, shutting down ------------------------------------------------

    private IEnumerable<NodeEntry> LiveNodes => _nodes.Values.Where(n => n.Ref is not null && n.Lost is null);

    /// <summary>A node lost (its process exited or its association died) in a state: mark it, then react.</summary>
    private void NodeLossHandlers(Action<string> onLost)
    {
        Receive<NodeLauncher.NodeStarted>(started =>
        {
            if (_nodes.TryGetValue(started.NodeId, out var entry)) entry.Pid = started.Pid;
        });
        Receive<NodeLauncher.NodeExited>(exited =>
        {
            if (!_nodes.TryGetValue(exited.NodeId, out var entry)) return;
            entry.ExitCode = exited.ExitCode;
            var detail = exited.LastError is null ? "" : $" ({exited.LastError})";
            MarkLost(entry, $"node {entry.Id} (pid {exited.Pid}) exited with code {exited.ExitCode}{detail}", onLost);
        });
        Receive<Terminated>(terminated =>
        {
            var entry = _nodes.Values.FirstOrDefault(n => terminated.ActorRef.Equals(n.Ref));
            if (entry is not null) MarkLost(entry, $"node {entry.Id} at {terminated.ActorRef.Path.Address} is unreachable", onLost);
        });
    }

    private void MarkLost(NodeEntry entry, string reason, Action<string> onLost)
    {
        if (entry.Lost is not null) return;
        entry.Lost = reason;
        _log.Error("Loop {Loop}: lost {Reason}", _loop, reason);
        _lock.Tell(new LockActor.NodeGone(entry.Id));
        foreach (var task in entry.TaskIds.Where(t => !_reports.ContainsKey(t) && !_missing.ContainsKey(t)))
            _missing[task] = new TaskError(task, entry.Id, $"lost with its node: {reason}", Indeterminate: _releaseAtUs > 0);
        _loopAbort ??= $"lost {reason}";
        onLost(reason);
    }

    /// <summary>Nodes measure their clock offset in any state, the last loop's aftermath included.</summary>
    private void AnswerClockProbes() =>
        Receive<ClockProbe>(probe => Sender.Tell(new ClockProbeReply(probe.NodeSentUs, WireClock.NowUs())));

    private void CommonHandlers()
    {
        AnswerClockProbes();
        Receive<Interrupt>(_ =>
        {
            _interrupted = true;
            _stoppedBy = StoppedBy.Interrupted;
            Finish("interrupted");
        });
        Receive<RegisterNode>(register =>
        {
            var known = _nodes.Values.FirstOrDefault(n => Sender.Equals(n.Ref));
            if (known is not null) return;
            _log.Warning("Refused node {Node} from {Address}: the run has started", register.NodeId, Sender.Path.Address);
            Sender.Tell(new NodeRejected(register.NodeId, "the run has started"));
        });
        ReceiveAny(message => _log.Warning("Loop {Loop}: {MessageType} is not expected now; ignored", _loop, message.GetType().Name));
    }

    private void Abort(string reason)
    {
        _abortReason ??= reason;
        Finish(reason);
    }

    private void Finish(string? reason)
    {
        _abortReason ??= reason;
        Timers.CancelAll();
        if (reason is not null)
        {
            _observer.Aborting(reason);
            _log.Warning("Run {RunId} stops: {Reason}", _run.RunId, reason);
        }
        foreach (var node in LiveNodes)
        {
            node.Ref!.Tell(Shutdown.Instance);
            _timeline.Sent(Shutdown.Instance, node.Id, null);
        }
        _launcher.Tell(new NodeLauncher.StopNodes(_settings.ShutdownTimeout));
        Enter("shutting-down", ShuttingDown);
    }

    private void ShuttingDown()
    {
        Receive<NodeLauncher.AllNodesExited>(exited =>
        {
            if (exited.Killed > 0) _log.Warning("{Killed} node processes had to be killed", exited.Killed);
            Complete();
        });
        Receive<NodeLauncher.NodeExited>(exited =>
        {
            if (_nodes.TryGetValue(exited.NodeId, out var entry)) entry.ExitCode = exited.ExitCode;
        });
        Receive<Terminated>(_ => { });
        AnswerClockProbes();
        Receive<TaskReport>(report => _log.Debug("Loop {Loop}: report of task {Task} after the run ended", report.Loop, report.TaskId));
        Receive<Interrupt>(_ => { });
        ReceiveAny(message => _log.Debug("{MessageType} while shutting down; ignored", message.GetType().Name));
    }

    /// <summary>Becomes a state, and says so in every log event from now on.</summary>
    private void Enter(string phase, Action state)
    {
        _phase.Enter(phase, _loop);
        Become(state);
    }

    /// <summary>
    /// An exception of the orchestrator's own (a defect, never a node's or the store's failure, which are messages):
    /// its books can no longer be trusted, so the run ends here with what was judged so far, rather than start over
    /// while its nodes are mid-loop. The launcher, a child, is stopped with it and kills what still runs.
    /// </summary>
    protected override void PreRestart(Exception reason, object message)
    {
        _log.Error(reason, "Run {RunId}: the orchestrator failed on {MessageType} in loop {Loop}; the run stops", _run.RunId, message?.GetType().Name, _loop);
        _abortReason ??= $"the orchestrator failed: {reason.GetBaseException().Message}";
        _observer.Aborting(_abortReason);
        foreach (var node in LiveNodes) node.Ref!.Tell(Shutdown.Instance);
        Complete();
        base.PreRestart(reason, message);
    }

    /// <summary>The run ended in <see cref="PreRestart"/>: the new instance starts nothing.</summary>
    protected override void PostRestart(Exception reason) => Context.Stop(Self);

    private void Complete()
    {
        // The verdict covers the loops that ran: a time budget spent is no failure, a run cut short is.
        var verdict = _book.Worst ?? Verdict.Inconclusive;
        if (_abortReason is not null) verdict = verdict.Worst(Verdict.Inconclusive);
        var nodes = _nodes.Values
            .OrderBy(n => n.Local ? 0 : 1).ThenBy(n => n.Id, StringComparer.Ordinal)
            .Select(n => new NodeRecord(n.Id, n.Pid, n.Host, n.TaskIds, Math.Round(n.JoinMs, 1), n.Local, n.ExitCode, n.Lost,
                n.Clock.OffsetUs, n.Clock.UncertaintyUs) { ReleaseWait = n.ReleaseWait, Cores = n.Cores })
            .ToList();
        _timeline.Note("run-ended", null, verdict.Name());
        var kept = _book.Kept;
        var loopsElapsed = _firstLoopStartUs == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(_lastVerdictUs - _firstLoopStartUs);
        _done.TrySetResult(new RunOutcome(verdict, nodes, kept.Select(k => k.Record).ToList(), _abortReason, _interrupted, _startupMs,
            [.. _timeline.Events, .. kept.SelectMany(k => k.Events)], _book.Summary(loopsElapsed), _stoppedBy, _clockSteps.ToList()));
        Become(() => ReceiveAny(_ => { }));
    }
}
