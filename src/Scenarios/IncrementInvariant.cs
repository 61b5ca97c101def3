namespace ActorRunner.Scenarios;

/// <summary>
/// The invariant of a shared value that every task reads, adds one to and writes back (the SQLite counter, the
/// race window's memory-mapped value): with T tasks it ends at T, and the values the tasks read are exactly 0..T-1,
/// each once. A value read by two tasks that both completed is a lost update, and the tasks are named.
/// </summary>
public static class IncrementInvariant
{
    /// <param name="what">What the value is called in the findings ("counter", "value").</param>
    /// <param name="expected">Tasks in the loop.</param>
    /// <param name="value">The shared value after the loop.</param>
    /// <param name="results">Every task's result.</param>
    /// <remarks>
    /// A task whose write may or may not have landed is indeterminate: the value must then lie between the
    /// acknowledged increments and those plus the indeterminate ones.
    /// </remarks>
    public static ScenarioJudgement Judge(string what, int expected, long value, IReadOnlyList<TaskResult> results)
    {
        var committed = results.Where(r => r.Status == ActionStatus.Completed).ToList();
        var acknowledged = committed.Count;
        var indeterminate = results.Count(r => r.Status == ActionStatus.Indeterminate);

        var collisions = committed
            .GroupBy(r => r.Observed)
            .Where(g => g.Count() > 1)
            .OrderBy(g => g.Key)
            .Select(g => new Collision(g.Key, g.Select(r => r.TaskId).Order(StringComparer.Ordinal).ToList()))
            .ToList();

        var findings = new List<string>();
        var lost = Math.Max(0, acknowledged - value);
        if (lost > 0)
            findings.Add($"{what} {value} is below the {acknowledged} acknowledged increments: {lost} lost updates");
        foreach (var c in collisions)
            findings.Add($"value {c.Observed} was read by {c.Tasks.Count} tasks that all committed: {TaskNames.Brief(c.Tasks)}");
        if (value > acknowledged + indeterminate)
            findings.Add($"{what} {value} is above the {acknowledged} acknowledged and {indeterminate} indeterminate increments");
        var wrongWrites = committed.Where(r => r.Written != r.Observed + 1).ToList();
        if (wrongWrites.Count > 0)
            findings.Add($"{wrongWrites.Count} tasks wrote something other than what they read plus one (first: {wrongWrites[0].TaskId})");
        var ceiling = acknowledged + indeterminate;
        var outOfRange = committed.Where(r => r.Observed < 0 || r.Observed >= ceiling).ToList();
        if (outOfRange.Count > 0)
            findings.Add($"{outOfRange.Count} tasks read a value outside 0..{ceiling - 1} (first: {outOfRange[0].TaskId} read {outOfRange[0].Observed})");
        if (findings.Count == 0 && acknowledged == expected && results.Count == acknowledged && value != expected)
            findings.Add($"{what} {value} is not the expected {expected}");

        return new ScenarioJudgement(findings, collisions, new Dictionary<string, long> { [RunnerFigures.LostUpdates] = lost });
    }
}
