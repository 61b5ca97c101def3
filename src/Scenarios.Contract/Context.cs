using Microsoft.Extensions.Logging;

namespace ActorRunner.Scenarios;

/// <summary>
/// The run's settings a scenario sees, the same on the orchestrator and on every node; <paramref name="DbPath"/> is
/// the SQLite database's path on this machine, for scenarios that keep their state in one.
/// </summary>
public sealed record ScenarioRun(
    string RunId,
    string Scenario,
    int Tasks,
    int Loops,
    LockInfo Lock,
    string DbPath,
    ScenarioSection Settings);

/// <summary>
/// The lock the runner puts around <see cref="IScenarioTask.RunTask"/>. When <see cref="AppliedByScenario"/> is
/// true the runner takes none: the scenario applies the mode itself (e.g. in its transaction).
/// </summary>
public sealed record LockInfo(string Mode, TimeSpan Timeout, bool AppliedByScenario)
{
    /// <summary>No lock at all: the negative control.</summary>
    public bool IsNone => Mode == "none";
}

/// <summary>An orchestrator step's context: the run, the loop (0 before the first), a structured logger.</summary>
public sealed record LoopContext(ScenarioRun Run, int Loop, ILogger Log)
{
    /// <summary>The scenario's own settings.</summary>
    public ScenarioSection Settings => Run.Settings;

    /// <summary>The run's lock mode.</summary>
    public LockInfo Lock => Run.Lock;
}

/// <summary>
/// A task's context: the run, its node and task ids, its index among all the run's tasks (0-based), the loop
/// (0 in <see cref="Scenario.CreateTask"/>), and a structured logger whose events carry run, node, loop and task.
/// </summary>
public sealed record TaskContext(ScenarioRun Run, string NodeId, string TaskId, int TaskIndex, int Loop, ILogger Log)
{
    /// <summary>The scenario's own settings.</summary>
    public ScenarioSection Settings => Run.Settings;

    /// <summary>The run's lock mode.</summary>
    public LockInfo Lock => Run.Lock;

    /// <summary>Microseconds since the Unix epoch, the clock every timestamp of a run is in.</summary>
    public static long NowUs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
}
