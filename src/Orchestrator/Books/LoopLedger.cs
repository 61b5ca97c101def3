using ActorRunner.Messages;
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

    /// <summary>The task was given up on as possibly having acted (lost or silent after the release).</summary>
    public bool IsIndeterminate(string taskId) => _missing.TryGetValue(taskId, out var error) && error.Indeterminate;

    /// <summary>Cuts the loop short for <paramref name="reason"/>, unless it already was (the first reason stands).</summary>
    public void CutShort(string? reason) => Abort ??= reason;

    /// <summary>Adds <paramref name="note"/> to why the loop was cut short (or makes it the reason).</summary>
    public void AddToAbort(string note) => Abort = Abort is null ? note : $"{Abort}; {note}";
}
