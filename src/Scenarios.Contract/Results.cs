namespace ActorRunner.Scenarios;

/// <summary>
/// What a task saw and did: two numbers whose meaning the scenario defines (the counter: the value read and the
/// value written), and the instants (µs since the Unix epoch, <see cref="TaskContext.NowUs"/>) of the read and of
/// the commit; 0 lets the runner stamp them around the call.
/// </summary>
public sealed record ActionResult(long Observed, long Written, long ReadUs = 0, long WrittenUs = 0);

/// <summary>The critical action failed. <see cref="MayHaveCommitted"/> tells whether its write may have landed.</summary>
public sealed class ScenarioException(string message, bool mayHaveCommitted, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>Whether the task's write may have landed.</summary>
    public bool MayHaveCommitted { get; } = mayHaveCommitted;
}

/// <summary>How a task's attempt ended.</summary>
public enum ActionStatus
{
    /// <summary>The critical action ran to the end and its result is known.</summary>
    Completed,
    /// <summary>It failed before it could have changed anything (lock timeout, never released).</summary>
    Failed,
    /// <summary>It failed at a point where its write may or may not have landed.</summary>
    Indeterminate,
}

/// <summary>One task's result of a loop, as <see cref="Scenario.ResultOk"/> sees it.</summary>
public sealed record TaskResult(string TaskId, string NodeId, ActionStatus Status, long Observed, long Written, string? Error);

/// <summary>
/// The shared state after a loop: a one-line summary for the console ("counter = 100, expected 100"), one headline
/// value (reported as the loop's "counter"), and named counts (rows per user, ...).
/// </summary>
public sealed record ScenarioOutcome(string Summary, long Value, IReadOnlyDictionary<string, long>? Counts = null);

/// <summary>Tasks that together broke the invariant (read the same value, inserted for the same user, ...).</summary>
public sealed record Collision(long Observed, IReadOnlyList<string> Tasks, string? About = null);

/// <summary>
/// The scenario's judgement of a loop: its findings (each one a violation), the collisions behind them, and named
/// figures for the report (lostUpdates, refused, ...). The runner reports every figure as it is, and reads those
/// named in <see cref="RunnerFigures"/> itself.
/// </summary>
public sealed record ScenarioJudgement(
    IReadOnlyList<string> Findings,
    IReadOnlyList<Collision> Collisions,
    IReadOnlyDictionary<string, long> Figures)
{
    /// <summary>No finding: the invariant held.</summary>
    public static ScenarioJudgement Held(IReadOnlyDictionary<string, long>? figures = null) =>
        new([], [], figures ?? new Dictionary<string, long>());

    /// <summary>The loop's lost updates (the figure <see cref="RunnerFigures.LostUpdates"/>); 0 for a scenario that counts none.</summary>
    public long LostUpdates => RunnerFigures.LostUpdatesIn(Figures);
}

/// <summary>
/// The figures of a <see cref="ScenarioJudgement"/> that the runner itself reads, by these names: a scenario that
/// counts one puts it in <see cref="ScenarioJudgement.Figures"/> under its name here.
/// </summary>
public static class RunnerFigures
{
    /// <summary>
    /// Updates lost in the loop (values that more than one committed task read, so that the shared value fell
    /// short): shown beside a violated loop's verdict and as the loop's <c>lostUpdates</c> in report.json.
    /// </summary>
    public const string LostUpdates = "lostUpdates";

    /// <summary>The <see cref="LostUpdates"/> figure of <paramref name="figures"/>; 0 when they have none.</summary>
    public static long LostUpdatesIn(IReadOnlyDictionary<string, long> figures) =>
        figures.TryGetValue(LostUpdates, out var lost) ? lost : 0;
}

/// <summary>A loop's final verdict ("verified", "violated", "inconclusive") and its findings, for <see cref="Scenario.AfterResult"/>.</summary>
public sealed record LoopVerdict(string Verdict, IReadOnlyList<string> Findings);
