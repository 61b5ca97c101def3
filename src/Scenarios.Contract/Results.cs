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
/// figures for the report (lostUpdates, refused, ...).
/// </summary>
public sealed record ScenarioJudgement(
    IReadOnlyList<string> Findings,
    IReadOnlyList<Collision> Collisions,
    IReadOnlyDictionary<string, long> Figures)
{
    /// <summary>No finding: the invariant held.</summary>
    public static ScenarioJudgement Held(IReadOnlyDictionary<string, long>? figures = null) =>
        new([], [], figures ?? new Dictionary<string, long>());
}

/// <summary>A loop's final verdict ("verified", "violated", "inconclusive") and its findings, for <see cref="Scenario.AfterResult"/>.</summary>
public sealed record LoopVerdict(string Verdict, IReadOnlyList<string> Findings);
