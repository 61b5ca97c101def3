namespace ActorRunner.Messages;

// ---- joining -------------------------------------------------------------------------------

/// <summary>A task node asks to join a run. <paramref name="RunId"/> is empty for a node started by hand.</summary>
public sealed record RegisterNode(
    string RunId,
    string Token,
    string NodeId,
    int Pid,
    string Host,
    int ProtocolVersion) : IRunnerMessage;

/// <summary>
/// What a node needs to host its tasks: the lock (<paramref name="Lock"/> the runner takes, <paramref name="LockMode"/>
/// the mode's name as the scenario sees it), the scenario (a built-in name or "Namespace.Type, Assembly", its
/// assembly's path on the orchestrator's machine, its settings section and values), and its tasks, whose indexes
/// among all the run's tasks start at <paramref name="FirstTaskIndex"/>; whether the node holds its machine's CPUs out
/// of slow idle states while it runs (<paramref name="KeepCpusAwake"/>).
/// </summary>
public sealed record NodeAccepted(
    string RunId,
    string NodeId,
    RunnerLock Lock,
    string LockMode,
    string LockFile,
    string DbPath,
    long LockTimeoutMs,
    long LockHoldUs,
    string Scenario,
    string ScenarioAssembly,
    string ScenarioSection,
    IReadOnlyDictionary<string, string> ScenarioSettings,
    int Tasks,
    int Loops,
    int FirstTaskIndex,
    IReadOnlyList<string> TaskIds,
    bool KeepCpusAwake) : IRunnerMessage;

/// <summary>The orchestrator refuses a node; the node exits with the reason.</summary>
public sealed record NodeRejected(string NodeId, string Reason) : IRunnerMessage;

/// <summary>
/// A node opened its tasks' locks and connections and is ready for loops. Its clock's offset from the
/// orchestrator's (orchestrator minus node) and the offset's uncertainty (half the best round trip), in µs; the
/// cores its tasks can run on, and the machine it runs on (the kernel's boot id: nodes that share it share the
/// cores), from which the orchestrator chooses how each node's tasks wait for the release.
/// </summary>
public sealed record NodeReady(string NodeId, int Tasks, long ClockOffsetUs, long ClockUncertaintyUs, int Cores = 0, string Machine = "") : IRunnerMessage;

/// <summary>A node asks the orchestrator's time, to measure its clock offset; answered by <see cref="ClockProbeReply"/>.</summary>
public sealed record ClockProbe(long NodeSentUs) : IRunnerMessage;

/// <summary>The orchestrator's clock when it answered a <see cref="ClockProbe"/>.</summary>
public sealed record ClockProbeReply(long NodeSentUs, long OrchestratorUs) : IRunnerMessage;

/// <summary>A node could not set up (lock does not exclude, database unreachable, ...).</summary>
public sealed record NodeFailed(string NodeId, string Reason) : IRunnerMessage;

// ---- one loop ------------------------------------------------------------------------------

/// <summary>How a node's parked tasks wait out the last stretch before the agreed instant.</summary>
public enum ReleaseWait
{
    /// <summary>The tasks sleep; one releaser thread wakes them all at the instant (tasks outnumber the cores).</summary>
    Wake = 0,
    /// <summary>
    /// Each task waits on the clock itself, at real-time priority where the node may use it: it sleeps until just
    /// before the instant and spins the rest, so no wake-up lies on the critical path (tasks fit the cores).
    /// </summary>
    Spin = 1,
}

/// <summary>
/// Park every task of the node at the barrier for this loop, to be released the way <paramref name="Wait"/> says.
/// <paramref name="SentUs"/>: the orchestrator's clock when it sent this; with the node's two instants in
/// <see cref="TasksReady"/> it is a clock probe that costs the loop nothing.
/// </summary>
public sealed record PrepareLoop(int Loop, ReleaseWait Wait = ReleaseWait.Wake, long SentUs = 0) : IRunnerMessage;

/// <summary>
/// Every task of the node is parked at the barrier. <paramref name="PrepareReceivedUs"/> (when PrepareLoop arrived)
/// and <paramref name="ReadyAtUs"/> (when this was sent) are on the node's real-time clock,
/// <paramref name="ElapsedUs"/> the time between them on its monotonic clock (which no step of the real-time one
/// moves): with PrepareLoop's send and this message's arrival on the orchestrator's clock, they measure the node's
/// clock offset (<see cref="WireClock.Exchange"/>).
/// </summary>
public sealed record TasksReady(int Loop, string NodeId, long PrepareReceivedUs, long ReadyAtUs, long ElapsedUs) : IRunnerMessage;

/// <summary>
/// Let every parked task go at the agreed instant (microseconds since the Unix epoch): <paramref name="ReleaseAtUs"/>
/// on the orchestrator's clock, <paramref name="NodeReleaseAtUs"/> the same instant on the receiving node's clock
/// (converted by the orchestrator, which holds every node's measured offset).
/// </summary>
public sealed record Release(int Loop, long ReleaseAtUs, long NodeReleaseAtUs) : IRunnerMessage;

/// <summary>The loop is called off: tasks not yet released skip it and report so; released ones finish.</summary>
public sealed record AbortLoop(int Loop, string Reason) : IRunnerMessage;

/// <summary>What happened to a task's attempt at the critical section.</summary>
public enum TaskOutcome
{
    /// <summary>Read, wrote and committed.</summary>
    Committed = 0,
    /// <summary>Failed before it could have written anything (lock timeout, lock check failed).</summary>
    Failed = 1,
    /// <summary>Failed at a point where the write may or may not have been committed.</summary>
    Indeterminate = 2,
}

/// <summary>Why a task's attempt did not commit: what the runner acts on, whatever the report's text says.</summary>
public enum TaskFailure
{
    /// <summary>Nothing failed: the task committed.</summary>
    None = 0,
    /// <summary>Parked, and the gate never opened before the task gave up waiting.</summary>
    NeverReleased = 1,
    /// <summary>The loop was called off (<see cref="AbortLoop"/>) before the task's release.</summary>
    CalledOff = 2,
    /// <summary>The lock was not acquired within the lock timeout.</summary>
    LockTimeout = 3,
    /// <summary>Taking or giving back the lock failed with an error (not a timeout).</summary>
    LockFailed = 4,
    /// <summary>The lock was held but no longer guarded what it should, so the task refused to act.</summary>
    LockCheckFailed = 5,
    /// <summary>The scenario's critical action threw; the outcome says whether its write may have landed.</summary>
    ActionFailed = 6,
}

/// <summary>
/// Timestamps (microseconds since the Unix epoch, node clock; 0 when the phase was not reached): the task's own
/// phases, and its node's for the loop (when PrepareLoop and Release arrived, when the gate opened).
/// </summary>
public sealed record TaskPhases(
    long ParkedUs,
    long ReleasedUs,
    long LockRequestedUs,
    long LockAcquiredUs,
    long ReadUs,
    long WrittenUs,
    long LockReleasedUs,
    long PrepareReceivedUs = 0,
    long ReleaseReceivedUs = 0,
    long GateOpenedUs = 0);

/// <summary>
/// One task's report for one loop. <paramref name="Observed"/> and <paramref name="Written"/> are -1 when not reached.
/// <paramref name="Failure"/> is what went wrong (<see cref="TaskFailure.None"/> for a commit), <paramref name="Error"/>
/// the same for people: its text is shown, never matched.
/// </summary>
public sealed record TaskReport(
    int Loop,
    string TaskId,
    string NodeId,
    TaskOutcome Outcome,
    long Observed,
    long Written,
    TaskPhases Phases,
    TaskFailure Failure,
    string? Error) : IRunnerMessage;

// ---- the orchestrator lock (lock mode "orchestrator") ---------------------------------------

/// <summary>A task asks for the orchestrator's lock; answered by <see cref="LockGranted"/>.</summary>
public sealed record AcquireLock(int Loop, string TaskId, string NodeId) : IRunnerMessage;

/// <summary>The lock is the task's until it sends <see cref="ReleaseLock"/>.</summary>
public sealed record LockGranted(int Loop, string TaskId) : IRunnerMessage;

/// <summary>The holder gives the lock back, or a waiter gives up its place.</summary>
public sealed record ReleaseLock(int Loop, string TaskId) : IRunnerMessage;

// ---- ending --------------------------------------------------------------------------------

/// <summary>The run is over: the node exits.</summary>
public sealed record Shutdown : IRunnerMessage
{
    public static readonly Shutdown Instance = new();
    private Shutdown() { }
}
