using ActorRunner.Messages;

namespace ActorRunner.Orchestrator.Books;

/// <summary>
/// A loop about to start: when it began (orchestrator clock), the nodes whose tasks were parked for it ahead (they
/// are not told to park again), and their TasksReady that came before it started, each with the instant it arrived.
/// </summary>
public sealed record LoopStart(long StartUs, IReadOnlySet<string> ParkedNodes, IReadOnlyList<(TasksReady Ready, long ReceivedUs)> ReadyAhead);

/// <summary>
/// The next loop while this one runs: right behind a loop's Release the nodes are told to park their tasks for the
/// next one, and their TasksReady for it come before it starts. Which loop is being parked, when its first
/// PrepareLoop went out, which nodes were told, and the TasksReady kept until the loop starts.
/// </summary>
public sealed class ParkingAhead
{
    private readonly HashSet<string> _nodes = new();
    private readonly List<(TasksReady Ready, long ReceivedUs)> _ready = new();

    /// <summary>The loop whose tasks are being parked ahead; 0: none.</summary>
    public int Loop { get; private set; }

    /// <summary>When the first PrepareLoop of <see cref="Loop"/> went out (orchestrator clock).</summary>
    public long SentUs { get; private set; }

    /// <summary>The nodes told to park their tasks for <see cref="Loop"/>.</summary>
    public IReadOnlyCollection<string> Nodes => _nodes;

    /// <summary>
    /// Which of <paramref name="nodes"/> are to be told now to park their tasks for <paramref name="loop"/>: those not
    /// told yet. Parking a loop other than the one being parked starts afresh, at <paramref name="nowUs"/>.
    /// </summary>
    public IReadOnlyList<RosterNode> Park(int loop, IEnumerable<RosterNode> nodes, long nowUs)
    {
        if (Loop != loop)
        {
            (Loop, SentUs) = (loop, nowUs);
            _nodes.Clear();
            _ready.Clear();
        }
        return nodes.Where(n => _nodes.Add(n.Id)).ToList();
    }

    /// <summary>
    /// Right behind the Release of <paramref name="released"/> every node is told to park its tasks for the next loop:
    /// each task parks as soon as it has finished this one, and the node says so (TasksReady) right behind its last
    /// report, so the next loop's barrier is full when its last report arrives, with no round trip after it. Parking
    /// acts on nothing, and the next Release still waits for the verdict, the reset and every node's TasksReady. The
    /// PrepareLoop and its TasksReady are the next loop's clock measurement; it spans this loop's lead and critical
    /// sections, which does not widen its uncertainty (half the two deliveries), and the node times its part on its
    /// monotonic clock, so a step of its real-time clock inside it is measured whole, in time for the next Release
    /// (<see cref="WireClock.Exchange"/>). Only when the loop count allows another (<paramref name="lastLoop"/>; a loop
    /// released has lost no node and given up no task: those end it at its barrier); should the verdict end the run,
    /// the parked tasks are let go by the shutdown. The nodes to tell now (<see cref="Park"/>).
    /// </summary>
    public IReadOnlyList<RosterNode> ParkAfter(int released, int lastLoop, IEnumerable<RosterNode> nodes, long nowUs) =>
        released >= lastLoop ? [] : Park(released + 1, nodes, nowUs);

    /// <summary>A TasksReady for the loop being parked ahead: kept (<see cref="Keep"/>) until that loop starts.</summary>
    public bool Awaits(TasksReady ready) => Loop != 0 && ready.Loop == Loop;

    /// <summary>Keeps a TasksReady for the loop being parked ahead, which arrived at <paramref name="receivedUs"/>.</summary>
    public void Keep(TasksReady ready, long receivedUs)
    {
        if (Awaits(ready)) _ready.Add((ready, receivedUs));
    }

    /// <summary>
    /// <paramref name="loop"/> starts at <paramref name="nowUs"/>, the verdict before it given at
    /// <paramref name="lastVerdictUs"/>: what was parked for it ahead, taken out of these books (which then park
    /// nothing). A loop parked ahead begins when the one before it ended (its verdict), not when its PrepareLoop went
    /// out while that one was under way: loops' durations do not overlap.
    /// </summary>
    public LoopStart Start(int loop, long lastVerdictUs, long nowUs)
    {
        var start = Loop == loop
            ? new LoopStart(Math.Max(SentUs, lastVerdictUs), _nodes.ToHashSet(), _ready.Where(r => r.Ready.Loop == loop).ToList())
            : new LoopStart(nowUs, new HashSet<string>(), []);
        (Loop, SentUs) = (0, 0);
        _nodes.Clear();
        _ready.Clear();
        return start;
    }
}
