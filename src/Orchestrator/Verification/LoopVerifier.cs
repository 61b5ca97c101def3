using ActorRunner.Messages;
using ActorRunner.Scenarios;

namespace ActorRunner.Orchestrator.Verification;

/// <summary>A task that did not finish cleanly, and what is known of it.</summary>
public sealed record TaskError(string Task, string Node, string Error, bool Indeterminate);

/// <summary>What the scenario's outcome and judgement, and the tasks' reports, say about one loop.</summary>
public sealed record LoopVerification(
    Verdict Verdict,
    int Expected,
    ScenarioOutcome Outcome,
    int Acknowledged,
    int Indeterminate,
    IReadOnlyList<Collision> Collisions,
    IReadOnlyList<TaskError> Errors,
    IReadOnlyList<string> Findings,
    IReadOnlyDictionary<string, long> Figures)
{
    /// <summary>The outcome's headline value (the counter, the rows).</summary>
    public long Counter => Outcome.Value;

    /// <summary>The scenario's lost updates (<see cref="RunnerFigures.LostUpdates"/>; 0 for scenarios that count none).</summary>
    public long LostUpdates => RunnerFigures.LostUpdatesIn(Figures);
}

/// <summary>
/// The runner's half of a loop's verdict; the scenario's <see cref="Scenario.ResultOk"/> is the other. Every finding
/// of the scenario makes the loop violated; without one, a loop where any task did not finish, or that was cut
/// short, is inconclusive; otherwise it is verified.
/// </summary>
public static class LoopVerifier
{
    /// <summary>Every task's result as the scenario sees it: the reports, then the tasks without one.</summary>
    public static IReadOnlyList<TaskResult> Results(IReadOnlyCollection<TaskReport> reports, IReadOnlyCollection<TaskError> missing) =>
        reports.Select(r => new TaskResult(r.TaskId, r.NodeId, r.Outcome switch
            {
                TaskOutcome.Committed => ActionStatus.Completed,
                TaskOutcome.Indeterminate => ActionStatus.Indeterminate,
                _ => ActionStatus.Failed,
            }, r.Observed, r.Written, r.Error))
            .Concat(missing.Select(m => new TaskResult(m.Task, m.Node, m.Indeterminate ? ActionStatus.Indeterminate : ActionStatus.Failed, -1, -1, m.Error)))
            .OrderBy(r => r.TaskId, StringComparer.Ordinal)
            .ToList();

    /// <param name="expected">Tasks in the loop.</param>
    /// <param name="results">Every task's result (<see cref="Results"/>).</param>
    /// <param name="outcome">The shared state after the loop (<see cref="Scenario.AfterTasks"/>).</param>
    /// <param name="judgement">The scenario's findings (<see cref="Scenario.ResultOk"/>).</param>
    /// <param name="abortReason">Set when the loop was cut short (barrier timeout, a node lost, interrupted).</param>
    public static LoopVerification Verify(int expected, IReadOnlyList<TaskResult> results, ScenarioOutcome outcome,
        ScenarioJudgement judgement, string? abortReason = null)
    {
        var errors = results.Where(r => r.Status != ActionStatus.Completed)
            .Select(r => new TaskError(r.TaskId, r.NodeId, r.Error ?? "failed", r.Status == ActionStatus.Indeterminate))
            .ToList();
        var acknowledged = results.Count(r => r.Status == ActionStatus.Completed);
        var indeterminate = errors.Count(e => e.Indeterminate);
        var findings = judgement.Findings.ToList();

        Verdict verdict;
        if (findings.Count > 0) verdict = Verdict.Violated;
        else if (errors.Count > 0 || abortReason is not null || acknowledged != expected) verdict = Verdict.Inconclusive;
        else verdict = Verdict.Verified;

        if (verdict == Verdict.Inconclusive)
        {
            if (abortReason is not null) findings.Add(abortReason);
            if (errors.Count > 0)
                findings.Add($"{errors.Count} of {expected} tasks did not finish ({indeterminate} indeterminate); first: {errors[0].Task}: {errors[0].Error}");
            else if (abortReason is null)
                findings.Add($"{acknowledged} of {expected} tasks reported");
        }

        return new LoopVerification(verdict, expected, outcome, acknowledged, indeterminate, judgement.Collisions, errors, findings, judgement.Figures);
    }
}
