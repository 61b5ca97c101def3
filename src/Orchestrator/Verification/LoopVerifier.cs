using ActorRunner.Messages;

namespace ActorRunner.Orchestrator.Verification;

/// <summary>Two or more tasks that read the same value and all committed: every one but one update was lost.</summary>
public sealed record Collision(long Observed, IReadOnlyList<string> Tasks);

/// <summary>A task that did not finish cleanly, and what is known of it.</summary>
public sealed record TaskError(string Task, string Node, string Error, bool Indeterminate);

/// <summary>What the counter and the tasks' reports say about one loop.</summary>
public sealed record LoopVerification(
    Verdict Verdict,
    int Expected,
    long Counter,
    int Acknowledged,
    int Indeterminate,
    long LostUpdates,
    IReadOnlyList<Collision> Collisions,
    IReadOnlyList<TaskError> Errors,
    IReadOnlyList<string> Findings);

/// <summary>
/// The loop's invariant. With T tasks the counter must be T, and the values the tasks read must be exactly
/// 0..T-1, each once. A task whose write may or may not have landed is indeterminate: the counter must then lie
/// between the acknowledged increments and those plus the indeterminate ones, and the loop is never verified.
/// </summary>
public static class LoopVerifier
{
    /// <param name="expected">Tasks in the loop.</param>
    /// <param name="reports">The reports received, one a task at most.</param>
    /// <param name="missing">Tasks without a report: why, and whether their write may have landed.</param>
    /// <param name="counter">The counter read after the loop.</param>
    /// <param name="abortReason">Set when the loop was cut short (barrier timeout, a node lost, interrupted).</param>
    public static LoopVerification Verify(int expected, IReadOnlyCollection<TaskReport> reports,
        IReadOnlyCollection<TaskError> missing, long counter, string? abortReason = null)
    {
        var committed = reports.Where(r => r.Outcome == TaskOutcome.Committed).ToList();
        var errors = reports.Where(r => r.Outcome != TaskOutcome.Committed)
            .Select(r => new TaskError(r.TaskId, r.NodeId, r.Error ?? "failed", r.Outcome == TaskOutcome.Indeterminate))
            .Concat(missing)
            .OrderBy(e => e.Task, StringComparer.Ordinal)
            .ToList();
        var acknowledged = committed.Count;
        var indeterminate = errors.Count(e => e.Indeterminate);

        var collisions = committed
            .GroupBy(r => r.Observed)
            .Where(g => g.Count() > 1)
            .OrderBy(g => g.Key)
            .Select(g => new Collision(g.Key, g.Select(r => r.TaskId).Order(StringComparer.Ordinal).ToList()))
            .ToList();

        var findings = new List<string>();
        var lost = Math.Max(0, acknowledged - counter);
        if (lost > 0)
            findings.Add($"counter {counter} is below the {acknowledged} acknowledged increments: {lost} lost updates");
        foreach (var c in collisions)
            findings.Add($"value {c.Observed} was read by {c.Tasks.Count} tasks that all committed: {Names(c.Tasks)}");
        if (counter > acknowledged + indeterminate)
            findings.Add($"counter {counter} is above the {acknowledged} acknowledged and {indeterminate} indeterminate increments");
        var wrongWrites = committed.Where(r => r.Written != r.Observed + 1).ToList();
        if (wrongWrites.Count > 0)
            findings.Add($"{wrongWrites.Count} tasks wrote something other than what they read plus one (first: {wrongWrites[0].TaskId})");
        var ceiling = acknowledged + indeterminate;
        var outOfRange = committed.Where(r => r.Observed < 0 || r.Observed >= ceiling).ToList();
        if (outOfRange.Count > 0)
            findings.Add($"{outOfRange.Count} tasks read a value outside 0..{ceiling - 1} (first: {outOfRange[0].TaskId} read {outOfRange[0].Observed})");

        Verdict verdict;
        if (findings.Count > 0) verdict = Verdict.Violated;
        else if (errors.Count > 0 || abortReason is not null || acknowledged != expected) verdict = Verdict.Inconclusive;
        else verdict = counter == expected ? Verdict.Verified : Verdict.Violated;

        if (verdict == Verdict.Violated && findings.Count == 0)
            findings.Add($"counter {counter} is not the expected {expected}");
        if (verdict == Verdict.Inconclusive)
        {
            if (abortReason is not null) findings.Add(abortReason);
            if (errors.Count > 0)
                findings.Add($"{errors.Count} of {expected} tasks did not finish ({indeterminate} indeterminate); first: {errors[0].Task}: {errors[0].Error}");
        }

        return new LoopVerification(verdict, expected, counter, acknowledged, indeterminate, lost, collisions, errors, findings);
    }

    /// <summary>Up to ten names, then how many more (the report's collisions list them all).</summary>
    private static string Names(IReadOnlyList<string> tasks) =>
        tasks.Count <= 10 ? string.Join(", ", tasks) : $"{string.Join(", ", tasks.Take(10))} and {tasks.Count - 10} more";
}
