using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Actors;

/// <summary>Where this run lives and what it is called, decided before the actor system starts.</summary>
public sealed record RunContext(
    string RunId,
    string Token,
    string RunFolder,
    string DbPath,
    string LockFile,
    string ReportPath,
    string LogsFolder,
    long ProcessStartUs)
{
    /// <summary>Whether this machine's CPUs are held out of slow idle states for the run (release.keep-cpus-awake, where permitted).</summary>
    public bool CpusKeptAwake { get; init; }
}

/// <summary>A node as the report shows it, with its clock's offset from the orchestrator's (µs, last measured).</summary>
public sealed record NodeRecord(string Id, int Pid, string Host, IReadOnlyList<string> TaskIds, double JoinMs, bool Local,
    int? ExitCode, string? Lost, long ClockOffsetUs, long ClockUncertaintyUs)
{
    /// <summary>How its tasks waited for the release (spin or wake), and the cores it reported.</summary>
    public Messages.ReleaseWait ReleaseWait { get; init; }
    public int Cores { get; init; }
}

/// <summary>
/// One loop's verification, timings and the tasks' reports (as the nodes sent them, each in its node's clock), with
/// each node's clock as measured for this loop (<see cref="Clocks"/>: what moves a report to the orchestrator's clock).
/// </summary>
public sealed record LoopRecord(int Loop, int Loops, LoopVerification Verification, LoopTimings Timings, double DurationMs,
    long ReleaseAtUs, IReadOnlyList<Messages.TaskReport> Reports, IReadOnlyDictionary<string, NodeClock>? Clocks = null)
{
    /// <summary>This loop's clock of a node (the orchestrator's own when it was never measured).</summary>
    public NodeClock ClockOf(string nodeId) => Clocks is not null && Clocks.TryGetValue(nodeId, out var clock) ? clock : NodeClock.Same;

    /// <summary>How far ahead of its instant the Release was sent (ms); 0 when the loop released nothing.</summary>
    public double ReleaseLeadMs { get; init; }

    /// <summary>Nodes that had the Release only after its instant: their tasks started late.</summary>
    public IReadOnlyList<string> LateReleaseNodes { get; init; } = [];
}

/// <summary>
/// How the run ended: the loops kept in full (<see cref="Books.LoopBook"/>), the figures of every loop that ran,
/// why the loops stopped, and the orchestrator's own timeline events (run-level ones and the kept loops').
/// </summary>
public sealed record RunOutcome(
    Verdict Verdict,
    IReadOnlyList<NodeRecord> Nodes,
    IReadOnlyList<LoopRecord> Loops,
    string? AbortReason,
    bool Interrupted,
    double StartupMs,
    IReadOnlyList<Timeline.TimelineEvent> Events,
    Books.LoopSummary Summary,
    Books.StoppedBy StoppedBy,
    IReadOnlyList<ClockStep>? ClockSteps = null)
{
    /// <summary>Nodes' clocks that jumped during the run, in the order they were seen.</summary>
    public IReadOnlyList<ClockStep> Steps => ClockSteps ?? [];
}

/// <summary>The run so far, after a loop: for a person following a long run.</summary>
public sealed record LoopProgress(int Done, long Verified, long Violated, long Inconclusive, TimeSpan Elapsed)
{
    public double LoopsPerSecond => Elapsed > TimeSpan.Zero ? Done / Elapsed.TotalSeconds : 0;
}

/// <summary>What a person watching the run is told, as it happens.</summary>
public interface IRunObserver
{
    void RunStarting(RunSettings settings, RunContext run, string address);
    void NodeJoined(string nodeId, double joinMs, int ready, int expected);
    /// <summary>A loop's verdict; <paramref name="kept"/>: the loop is kept in full (the first ones, those not verified, a sample).</summary>
    void LoopDone(LoopRecord loop, bool kept, LoopProgress progress);
    /// <summary>A task of the loop under way reported.</summary>
    void TaskReported(int loop, int reported, int expected);
    /// <summary>A node's clock jumped between two measurements.</summary>
    void ClockStepped(ClockStep step);
    void Aborting(string reason);
}

/// <summary>What a person is shown of a run: as it happens, and once it is over.</summary>
public interface IRunPresenter : IRunObserver
{
    /// <summary>The run is over and its report written: show it, and say the process's exit code.</summary>
    int Finished(RunContext run, RunReport report, Timeline.TimelineData? timeline);
}
