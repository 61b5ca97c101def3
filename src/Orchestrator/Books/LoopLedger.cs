using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Books;

/// <summary>How a task's report was taken into the loop's ledger.</summary>
public enum Filing
{
    /// <summary>Counted for this loop.</summary>
    Filed,
    /// <summary>From another loop (a node paused, then resumed): not counted.</summary>
    OtherLoop,
    /// <summary>The task already has a report, or was already given up on: not counted.</summary>
    Duplicate,
}

/// <summary>
/// The books of the loop under way: which nodes have their tasks parked, whether the scenario has prepared the loop,
/// when the release went out and for when, every task's report or why it has none, and why the loop was cut short.
/// Every task is accounted for once: by its report, or as missing.
/// </summary>
public sealed class LoopLedger(int expectedTasks)
{
    private readonly HashSet<string> _readyNodes = new();
    private readonly Dictionary<string, TaskReport> _reports = new();
    private readonly Dictionary<string, TaskError> _missing = new();

    /// <summary>The loop under way (0 before the first).</summary>
    public int Loop { get; private set; }

    /// <summary>When the loop began (orchestrator clock): its PrepareLoop, sent ahead or not.</summary>
    public long StartUs { get; private set; }

    /// <summary>The scenario has prepared the loop (BeforeTasks).</summary>
    public bool Prepared { get; private set; }

    /// <summary>The agreed release instant and when the Release went out (orchestrator clock); 0: not released.</summary>
    public long ReleaseAtUs { get; private set; }
    public long ReleaseSentUs { get; private set; }

    /// <summary>Why the loop was cut short (the first reason, with what was added to it); null: it was not.</summary>
    public string? Abort { get; private set; }

    public int ReadyNodes => _readyNodes.Count;

    public IReadOnlyCollection<TaskReport> Reports => _reports.Values;

    public IReadOnlyCollection<TaskError> Missing => _missing.Values;

    /// <summary>Tasks reported or given up on.</summary>
    public int Accounted => _reports.Count + _missing.Count;

    /// <summary>Every task of the run is accounted for.</summary>
    public bool Complete => Accounted >= expectedTasks;

    public int ExpectedTasks => expectedTasks;

    /// <summary>Starts the books of <paramref name="loop"/>, begun at <paramref name="startUs"/>.</summary>
    public void Begin(int loop, long startUs)
    {
        (Loop, StartUs) = (loop, startUs);
        _readyNodes.Clear();
        Prepared = false;
        _reports.Clear();
        _missing.Clear();
        Abort = null;
        (ReleaseAtUs, ReleaseSentUs) = (0, 0);
    }

    public void MarkPrepared() => Prepared = true;

    /// <summary>A node has every task parked for this loop.</summary>
    public void NodeReady(string nodeId) => _readyNodes.Add(nodeId);

    public bool IsReady(string nodeId) => _readyNodes.Contains(nodeId);

    /// <summary>The Release went out at <paramref name="sentUs"/> for the instant <paramref name="atUs"/>.</summary>
    public void Released(long sentUs, long atUs) => (ReleaseSentUs, ReleaseAtUs) = (sentUs, atUs);

    public bool WasReleased => ReleaseAtUs != 0;

    public Filing File(TaskReport report)
    {
        if (report.Loop != Loop) return Filing.OtherLoop;
        if (_missing.ContainsKey(report.TaskId) || !_reports.TryAdd(report.TaskId, report)) return Filing.Duplicate;
        return Filing.Filed;
    }

    /// <summary>Which of <paramref name="taskIds"/> are not yet accounted for.</summary>
    public IReadOnlyList<string> Unaccounted(IEnumerable<string> taskIds) =>
        taskIds.Where(t => !_reports.ContainsKey(t) && !_missing.ContainsKey(t)).ToList();

    /// <summary>Gives up on the tasks of <paramref name="nodeId"/> not yet accounted for, for <paramref name="error"/>; how many that was.</summary>
    public int GiveUp(string nodeId, IEnumerable<string> taskIds, string error, bool indeterminate)
    {
        var unaccounted = Unaccounted(taskIds);
        foreach (var task in unaccounted) _missing[task] = new TaskError(task, nodeId, error, indeterminate);
        return unaccounted.Count;
    }

    /// <summary>What the scenario reads and judges the loop by, as the books stand now.</summary>
    public LoopClose Close() => new(Loop, expectedTasks, _reports.Values.ToList(), _missing.Values.ToList(), Abort, WasReleased);

    /// <summary>The ids of <paramref name="nodes"/> whose tasks are not all parked for this loop.</summary>
    public IEnumerable<string> NotReady(IEnumerable<RosterNode> nodes) => nodes.Where(n => !IsReady(n.Id)).Select(n => n.Id);

    /// <summary>Gives up on every task of <paramref name="nodes"/> not yet accounted for: none was released, none acted.</summary>
    public void NeverReleased(IEnumerable<RosterNode> nodes)
    {
        foreach (var node in nodes) GiveUp(node.Id, node.TaskIds, "never released", indeterminate: false);
    }

    /// <summary>Gives up on the unreported tasks of <paramref name="nodes"/> at the loop timeout (they may have acted); the silent nodes, "node-2 (3 tasks)".</summary>
    public List<string> GiveUpSilent(IEnumerable<RosterNode> nodes)
    {
        var silent = new List<string>();
        foreach (var node in nodes)
        {
            var unreported = GiveUp(node.Id, node.TaskIds, "no report before the loop timeout", indeterminate: true);
            if (unreported > 0) silent.Add($"{node.Id} ({unreported} tasks)");
        }
        return silent;
    }

    /// <summary>
    /// The nodes of <paramref name="nodes"/> lost or silent in this loop, one of which may hold the store, said as a
    /// note to add to why reading it failed; "" when there are none.
    /// </summary>
    public string SuspectsNote(IEnumerable<RosterNode> nodes)
    {
        var suspects = nodes.Where(n => n.Lost is not null || n.TaskIds.Any(IsIndeterminate)).Select(n => n.Id).ToList();
        return suspects.Count == 0 ? "" : $" (nodes lost or silent in loop {Loop}, one of which may hold the store: {string.Join(", ", suspects)})";
    }

    /// <summary>
    /// The loop's record once judged (<paramref name="verification"/>, a task that held the lock past
    /// <paramref name="lockTimeout"/> added to its findings) at <paramref name="nowUs"/>: its timings on the orchestrator's
    /// clock (<paramref name="clocks"/>), its reports, and the nodes that had the release late.
    /// </summary>
    public LoopRecord Record(int loops, LoopVerification verification, TimeSpan lockTimeout, IReadOnlyDictionary<string, NodeClock> clocks,
        IReadOnlyList<string> lateReleaseNodes, long nowUs)
    {
        if (LongHolder.Finding(Reports, lockTimeout) is { } holder) verification = verification with { Findings = [.. verification.Findings, holder] };
        return new LoopRecord(Loop, loops, verification, LoopTimings.From(Reports, clocks), (nowUs - StartUs) / 1000.0, ReleaseAtUs, Reports.ToList(), clocks)
        {
            ReleaseLeadMs = WasReleased ? (ReleaseAtUs - ReleaseSentUs) / 1000.0 : 0,
            LateReleaseNodes = lateReleaseNodes,
        };
    }

    /// <summary>
    /// A node lost for <paramref name="reason"/>: its tasks not yet accounted for are given up on (as possibly having
    /// acted once the loop was released) and the loop is cut short.
    /// </summary>
    public void Lost(RosterNode node, string reason)
    {
        GiveUp(node.Id, node.TaskIds, $"lost with its node: {reason}", indeterminate: WasReleased);
        CutShort($"lost {reason}");
    }

    /// <summary>The task was given up on as possibly having acted (lost or silent after the release).</summary>
    public bool IsIndeterminate(string taskId) => _missing.TryGetValue(taskId, out var error) && error.Indeterminate;

    /// <summary>Cuts the loop short for <paramref name="reason"/>, unless it already was (the first reason stands).</summary>
    public void CutShort(string? reason) => Abort ??= reason;

    /// <summary>Adds <paramref name="note"/> to why the loop was cut short (or makes it the reason).</summary>
    public void AddToAbort(string note) => Abort = Abort is null ? note : $"{Abort}; {note}";
}
