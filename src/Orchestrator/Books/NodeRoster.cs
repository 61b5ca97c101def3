using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Releasing;
using ActorRunner.Orchestrator.Reporting;
using Akka.Actor;

namespace ActorRunner.Orchestrator.Books;

/// <summary>
/// A node of the run as the orchestrator knows it: its place (id, tasks, where it is started) fixed when the run is
/// planned, the rest learnt as it registers, says it is ready, has its clock measured each loop and is lost or exits.
/// </summary>
public sealed class RosterNode(string id, bool local, IReadOnlyList<string> taskIds, int firstTaskIndex, string? launchedOn = null)
{
    public string Id { get; } = id;
    /// <summary>The host the orchestrator started this remote node on (null: local, or started by hand).</summary>
    public string? LaunchedOn { get; } = launchedOn;
    public int FirstTaskIndex { get; } = firstTaskIndex;
    public bool Local { get; } = local;
    public IReadOnlyList<string> TaskIds { get; } = taskIds;

    public IActorRef? Ref { get; private set; }
    public int Pid { get; set; }
    public string Host { get; private set; } = "";
    public double JoinMs { get; private set; }
    public bool Ready { get; private set; }
    public int? ExitCode { get; set; }
    /// <summary>Why the node was lost (its process exited, its association died); null while it is not.</summary>
    public string? Lost { get; private set; }
    /// <summary>The node's clock, as best known, and when that was (orchestrator clock).</summary>
    public NodeClock Clock { get; private set; } = NodeClock.Same;
    public long ClockKnownAtUs { get; private set; }
    /// <summary>The node's clock as measured for the loop under way; null until it is.</summary>
    public NodeClock? LoopClock { get; private set; }
    public int Cores { get; private set; }
    public string Machine { get; private set; } = "";
    public ReleaseWait ReleaseWait { get; set; }
    /// <summary>When this loop's PrepareLoop was sent to the node (orchestrator clock): half of a clock probe.</summary>
    public long PrepareSentUs { get; private set; }

    /// <summary>Registered and not lost: what is told to prepare, release, abort and shut down.</summary>
    public bool Live => Ref is not null && Lost is null;

    /// <summary>Started by this orchestrator (a local node, or a remote one through the launch template).</summary>
    public bool Launched => Local || LaunchedOn is not null;

    /// <summary>
    /// Watched over Akka.Remote: only a node started by hand. One this orchestrator started is watched as a process
    /// (the launcher reports its exit), since Akka.Remote's heartbeats can be held up for seconds on a busy machine.
    /// </summary>
    public bool WatchedRemotely => !Launched;

    /// <summary>The node's clock for the loop under way: as measured before it, else as last measured.</summary>
    public NodeClock ClockThisLoop => LoopClock ?? Clock;

    internal void Register(IActorRef actor, int pid, string host, double joinMs) => (Ref, Pid, Host, JoinMs) = (actor, pid, host, joinMs);

    /// <summary>The node has every task set up; its clock as it measured it, its cores and machine.</summary>
    public void ReadyWith(NodeReady ready, long nowUs)
    {
        Ready = true;
        (Clock, ClockKnownAtUs) = (new NodeClock(ready.ClockOffsetUs, ready.ClockUncertaintyUs), nowUs);
        (Cores, Machine) = (ready.Cores, ready.Machine);
    }

    /// <summary>Marks the node lost; false when it already was (the first reason stands).</summary>
    public bool Lose(string reason)
    {
        if (Lost is not null) return false;
        Lost = reason;
        return true;
    }

    /// <summary>The run's terms for every node (<paramref name="terms"/>) made this node's: its id and its tasks.</summary>
    public NodeAccepted Accepted(NodeAccepted terms) => terms with { NodeId = Id, FirstTaskIndex = FirstTaskIndex, TaskIds = TaskIds };

    /// <summary>This node's PrepareLoop for <paramref name="loop"/>, sent at <paramref name="nowUs"/> (kept: half of the loop's clock probe).</summary>
    public PrepareLoop Prepare(int loop, long nowUs)
    {
        PrepareSentUs = nowUs;
        return new PrepareLoop(loop, ReleaseWait, nowUs);
    }

    /// <summary>
    /// A clock measured just before loop <paramref name="loop"/>: the loop's instants from the node are moved by the
    /// best of it and what was known (<see cref="NodeClock.Better"/>); a jump from what was known larger than both
    /// uncertainties is a step. What was known is replaced only when the measurement is the better one.
    /// </summary>
    public ClockMeasurement Measured(NodeClock measured, long nowUs, int loop)
    {
        var known = Clock.Aged(nowUs - ClockKnownAtUs);
        var clock = NodeClock.Better(known, measured);
        var step = NodeClock.StepUs(known, measured) is { } stepUs
            ? new ClockStep(Id, loop, stepUs / 1000.0, (known.UncertaintyUs + measured.UncertaintyUs) / 1000.0)
            : null;
        if (clock == measured) (Clock, ClockKnownAtUs) = (measured, nowUs);
        LoopClock = clock;
        return new ClockMeasurement(known, measured, clock, step);
    }

    /// <summary>A new loop: nothing is measured for it yet.</summary>
    internal void NewLoop() => LoopClock = null;

    public NodeRecord Record() =>
        new(Id, Pid, Host, TaskIds, Math.Round(JoinMs, 1), Local, ExitCode, Lost, Clock.OffsetUs, Clock.UncertaintyUs)
        {
            ReleaseWait = ReleaseWait,
            Cores = Cores,
        };
}

/// <summary>A node's clock measured for a loop: what was known (aged), what was measured, which is used, and a step between them.</summary>
public sealed record ClockMeasurement(NodeClock Known, NodeClock Measured, NodeClock Used, ClockStep? Step);

/// <summary>How a registration went: the node admitted (<see cref="First"/>: the first time), or why it was refused.</summary>
public sealed record Admission(RosterNode? Node, string? Refusal, bool First);

/// <summary>
/// The run's nodes: the local ones and the remote ones this orchestrator starts, planned from the settings, then the
/// remote ones that join by hand, each given the next free slot of tasks. In plan order (local first, then remote
/// ones as they came).
/// </summary>
public sealed class NodeRoster
{
    private readonly Dictionary<string, RosterNode> _nodes = new();
    private readonly Queue<(IReadOnlyList<string> Tasks, int First)> _openSlots = new();
    private readonly int _expectedRemote;

    /// <summary>
    /// <paramref name="slots"/>: every node's tasks, local nodes' first, then those of the remote nodes started on
    /// <paramref name="launchHosts"/> (one per host), then those of remote nodes that join by hand.
    /// </summary>
    public NodeRoster(IReadOnlyList<IReadOnlyList<string>> slots, int localNodes, IReadOnlyList<string> launchHosts)
    {
        _expectedRemote = slots.Count - localNodes;
        var first = 0;
        for (var slot = 0; slot < slots.Count; slot++)
        {
            var id = $"node-{slot + 1}";
            if (slot < localNodes) Add(new RosterNode(id, local: true, slots[slot], first));
            else if (slot < localNodes + launchHosts.Count) Add(new RosterNode(id, local: false, slots[slot], first, launchHosts[slot - localNodes]));
            else _openSlots.Enqueue((slots[slot], first));
            first += slots[slot].Count;
        }
    }

    public static NodeRoster Of(RunSettings settings) => new(settings.TaskSlots(), settings.Nodes, settings.RemoteHosts);

    /// <summary>Every node known, in plan order.</summary>
    public IEnumerable<RosterNode> All => _nodes.Values;

    public IEnumerable<RosterNode> Live => _nodes.Values.Where(n => n.Live);

    /// <summary>The nodes this orchestrator starts itself.</summary>
    public IEnumerable<RosterNode> Launched => _nodes.Values.Where(n => n.Launched);

    public int ReadyCount => _nodes.Values.Count(n => n.Ready);

    public bool AnyLost => _nodes.Values.Any(n => n.Lost is not null);

    /// <summary>Slots of tasks no remote node has taken yet.</summary>
    public int OpenSlots => _openSlots.Count;

    public RosterNode? Find(string nodeId) => _nodes.GetValueOrDefault(nodeId);

    public RosterNode? Find(IActorRef actor) => _nodes.Values.FirstOrDefault(n => actor.Equals(n.Ref));

    /// <summary>
    /// Admits a node registering from <paramref name="sender"/> at <paramref name="joinMs"/>: a planned one, or one
    /// joining by hand, given the next open slot; the same node registering again (a retried handshake) is admitted
    /// again. Refused: another protocol, token or run, an id another actor holds, or no open slot.
    /// </summary>
    public Admission Admit(RegisterNode register, IActorRef sender, string runId, string token, double joinMs)
    {
        if (register.ProtocolVersion != Protocol.Version)
            return Refused($"protocol version {register.ProtocolVersion}; this orchestrator speaks version {Protocol.Version}");
        if (!string.Equals(register.Token, token, StringComparison.Ordinal))
            return Refused("wrong token");
        if (register.RunId.Length > 0 && register.RunId != runId)
            return Refused($"the node belongs to run {register.RunId}; this is run {runId}");
        if (_nodes.TryGetValue(register.NodeId, out var node))
        {
            if (node.Ref is not null) return node.Ref.Equals(sender) ? new Admission(node, null, First: false) : Refused($"node id {register.NodeId} is taken");
        }
        else
        {
            if (_openSlots.Count == 0) return Refused("the run expects no more nodes");
            var (tasks, first) = _openSlots.Dequeue();
            node = Add(new RosterNode(register.NodeId, local: false, tasks, first));
        }
        node.Register(sender, register.Pid, register.Host, joinMs);
        return new Admission(node, null, First: true);
    }

    /// <summary>Who is missing when the nodes did not all join in time: each node not ready, and the open slots.</summary>
    public IReadOnlyList<string> NotJoined()
    {
        var missing = _nodes.Values.Where(n => !n.Ready).Select(n => n.Ref is null ? $"{n.Id} (never registered)" : $"{n.Id} (registered, not set up)").ToList();
        if (_openSlots.Count > 0)
            missing.Add($"{_openSlots.Count} of {_expectedRemote} remote nodes (came: {string.Join(", ", _nodes.Values.Where(n => !n.Local).Select(n => $"{n.Id}@{n.Host}").DefaultIfEmpty("none"))})");
        return missing;
    }

    /// <summary>A node's clock for the loop under way (the orchestrator's own for a node not known).</summary>
    public NodeClock ClockOf(string nodeId) => Find(nodeId)?.ClockThisLoop ?? NodeClock.Same;

    /// <summary>Every node's clock for the loop under way; nodes not measured for it keep their last one.</summary>
    public IReadOnlyDictionary<string, NodeClock> Clocks() => _nodes.Values.ToDictionary(n => n.Id, n => n.ClockThisLoop);

    /// <summary>A new loop: no node's clock is measured for it yet.</summary>
    public void NewLoop()
    {
        foreach (var node in _nodes.Values) node.NewLoop();
    }

    /// <summary>What the release wait is chosen from: each node's tasks, cores and machine.</summary>
    /// <summary>Sets how each node's tasks wait for the release (<see cref="ReleaseWaitPlan"/>, from the nodes' tasks, cores and machines); the nodes.</summary>
    public IEnumerable<RosterNode> ChooseReleaseWaits(ReleaseWaitChoice choice)
    {
        var plan = ReleaseWaitPlan.Choose(choice, Shapes());
        foreach (var node in _nodes.Values) node.ReleaseWait = plan[node.Id];
        return _nodes.Values;
    }

    /// <summary>Nodes launched that are not live (still starting, or lost): no one can tell them to shut down.</summary>
    public List<string> Untold() => _nodes.Values.Where(n => n.Launched && !n.Live).Select(n => n.Id).ToList();

    public IReadOnlyList<NodeShape> Shapes() => _nodes.Values.Select(n => new NodeShape(n.Id, n.Machine, n.TaskIds.Count, n.Cores)).ToList();

    /// <summary>The nodes as the report lists them: local ones first, each group by id.</summary>
    public IReadOnlyList<NodeRecord> Records() =>
        _nodes.Values.OrderBy(n => n.Local ? 0 : 1).ThenBy(n => n.Id, StringComparer.Ordinal).Select(n => n.Record()).ToList();

    private Admission Refused(string reason) => new(null, reason, First: false);

    private RosterNode Add(RosterNode node)
    {
        _nodes[node.Id] = node;
        return node;
    }
}
