using ActorRunner.Messages;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;
using ActorRunner.Scenarios.SqliteCounter;

namespace ActorRunner.Orchestrator.Tests.Verification;

public sealed class LoopVerifierSpecs
{
    private static readonly TaskPhases NoPhases = new(0, 0, 0, 0, 0, 0, 0);

    private static TaskReport Committed(string task, long observed, string node = "node-1") =>
        new(1, task, node, TaskOutcome.Committed, observed, observed + 1, NoPhases, TaskFailure.None, null);

    private static TaskReport Failed(string task, string error, string node = "node-1") =>
        new(1, task, node, TaskOutcome.Failed, -1, -1, NoPhases, TaskFailure.ActionFailed, error);

    /// <summary>The SQLite counter's judgement and the runner's half, as a loop of the sqlite-counter scenario is verified.</summary>
    private static LoopVerification Verify(int expected, IReadOnlyCollection<TaskReport> reports, IReadOnlyCollection<TaskError> missing,
        long counter, string? abortReason = null)
    {
        var results = LoopVerifier.Results(reports, missing);
        var judgement = CounterScenario.Judge(expected, counter, results);
        return LoopVerifier.Verify(expected, results, new ScenarioOutcome($"counter = {counter}, expected {expected}", counter), judgement, abortReason);
    }

    /// <summary>T tasks that each read a distinct value 0..T-1, as a correct lock makes them.</summary>
    private static List<TaskReport> Serialized(int tasks) =>
        Enumerable.Range(0, tasks).Select(i => Committed($"task-{i + 1:00}", i)).ToList();

    [Fact]
    public void The_lost_updates_are_the_figure_the_contract_names_whoever_judged()
    {
        var results = LoopVerifier.Results(Serialized(2), []);
        var outcome = new ScenarioOutcome("seats sold = 1 of 2", 1);
        var judged = new ScenarioJudgement(["seat 1 sold twice"], [], new Dictionary<string, long> { [RunnerFigures.LostUpdates] = 4, ["seats"] = 1 });

        var counted = LoopVerifier.Verify(2, results, outcome, judged);
        var uncounted = LoopVerifier.Verify(2, results, outcome, judged with { Figures = new Dictionary<string, long> { ["seats"] = 1 } });

        Assert.Equal((4, 4), (judged.LostUpdates, counted.LostUpdates));
        Assert.Equal(0, uncounted.LostUpdates);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(25)]
    public void Distinct_reads_and_a_counter_of_T_are_verified(int tasks)
    {
        var result = Verify(tasks, Serialized(tasks), [], counter: tasks);

        Assert.Equal(Verdict.Verified, result.Verdict);
        Assert.Equal(tasks, result.Acknowledged);
        Assert.Equal(0, result.Indeterminate);
        Assert.Equal(0, result.LostUpdates);
        Assert.Empty(result.Collisions);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Two_tasks_that_read_the_same_value_are_a_lost_update_naming_exactly_them()
    {
        // task-03 and task-04 both read 2, so the counter ends one short.
        var reports = new List<TaskReport>
        {
            Committed("task-01", 0), Committed("task-02", 1), Committed("task-04", 2), Committed("task-03", 2),
        };

        var result = Verify(4, reports, [], counter: 3);

        Assert.Equal(Verdict.Violated, result.Verdict);
        var collision = Assert.Single(result.Collisions);
        Assert.Equal(2, collision.Observed);
        Assert.Equal(["task-03", "task-04"], collision.Tasks);
        Assert.Equal(1, result.LostUpdates);
        Assert.Contains(result.Findings, f => f.Contains("task-03, task-04"));
        Assert.Contains(result.Findings, f => f.Contains("1 lost updates"));
    }

    [Fact]
    public void Three_tasks_on_one_value_and_two_on_another_are_two_collisions_and_three_lost_updates()
    {
        var reports = new List<TaskReport>
        {
            Committed("task-1", 0), Committed("task-2", 0), Committed("task-3", 0),
            Committed("task-4", 1), Committed("task-5", 1),
        };

        var result = Verify(5, reports, [], counter: 2);

        Assert.Equal(Verdict.Violated, result.Verdict);
        Assert.Equal([0L, 1L], result.Collisions.Select(c => c.Observed));
        Assert.Equal(["task-1", "task-2", "task-3"], result.Collisions[0].Tasks);
        Assert.Equal(["task-4", "task-5"], result.Collisions[1].Tasks);
        Assert.Equal(3, result.LostUpdates);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_counter_between_acknowledged_and_acknowledged_plus_indeterminate_is_inconclusive(long counter)
    {
        // Three committed, two whose writes may or may not have landed.
        var reports = Serialized(3);
        var missing = new List<TaskError>
        {
            new("task-04", "node-2", "lost with its node", Indeterminate: true),
            new("task-05", "node-2", "lost with its node", Indeterminate: true),
        };

        var result = Verify(5, reports, missing, counter);

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Empty(result.Collisions);
        Assert.Equal(0, result.LostUpdates);
        Assert.Equal(3, result.Acknowledged);
        Assert.Equal(2, result.Indeterminate);
        Assert.Equal(["task-04", "task-05"], result.Errors.Select(e => e.Task));
    }

    [Fact]
    public void A_counter_above_acknowledged_plus_indeterminate_is_violated()
    {
        var missing = new List<TaskError> { new("task-04", "node-2", "lost with its node", Indeterminate: true) };

        var result = Verify(4, Serialized(3), missing, counter: 5);

        Assert.Equal(Verdict.Violated, result.Verdict);
        Assert.Contains(result.Findings, f => f.Contains("counter 5 is above the 3 acknowledged and 1 indeterminate"));
    }

    [Fact]
    public void Failed_tasks_that_never_committed_make_the_loop_inconclusive()
    {
        var reports = Serialized(2);
        reports.Add(Failed("task-03", "lock timeout after 10 s", node: "node-2"));

        var result = Verify(3, reports, [], counter: 2);

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        var error = Assert.Single(result.Errors);
        Assert.Equal(new TaskError("task-03", "node-2", "lock timeout after 10 s", Indeterminate: false), error);
        Assert.Equal(0, result.Indeterminate);
        Assert.Contains(result.Findings, f => f.Contains("task-03: lock timeout after 10 s"));
    }

    [Fact]
    public void A_counter_that_moved_although_every_unfinished_task_failed_cleanly_is_violated()
    {
        // A failed task is known not to have written: the counter must equal the acknowledged increments.
        var reports = Serialized(2);
        reports.Add(Failed("task-03", "lock timeout"));

        var result = Verify(3, reports, [], counter: 3);

        Assert.Equal(Verdict.Violated, result.Verdict);
    }

    [Fact]
    public void An_abort_reason_makes_the_loop_inconclusive_and_is_among_the_findings()
    {
        const string reason = "barrier timeout after 2 s: not ready: node-2";
        var missing = new List<TaskError>
        {
            new("task-3", "node-2", "never released", Indeterminate: false),
            new("task-4", "node-2", "never released", Indeterminate: false),
        };

        var result = Verify(4, [], missing, counter: 0, abortReason: reason);

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains(reason, result.Findings);
    }

    [Fact]
    public void An_abort_reason_alone_keeps_an_otherwise_perfect_loop_from_being_verified()
    {
        var result = Verify(3, Serialized(3), [], counter: 3, abortReason: "interrupted");

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains("interrupted", result.Findings);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(100)]
    public void A_task_that_read_a_value_outside_the_range_is_violated(long observed)
    {
        // Three tasks: values read must lie in 0..2.
        var reports = new List<TaskReport> { Committed("task-1", 0), Committed("task-2", 1), Committed("task-3", observed) };

        var result = Verify(3, reports, [], counter: 3);

        Assert.Equal(Verdict.Violated, result.Verdict);
        Assert.Contains(result.Findings, f => f.Contains("outside 0..2") && f.Contains($"task-3 read {observed}"));
    }

    [Fact]
    public void A_task_that_wrote_something_other_than_its_read_plus_one_is_violated()
    {
        var reports = Serialized(2);
        reports.Add(new TaskReport(1, "task-03", "node-1", TaskOutcome.Committed, 2, 7, NoPhases, TaskFailure.None, null));

        var result = Verify(3, reports, [], counter: 3);

        Assert.Equal(Verdict.Violated, result.Verdict);
        Assert.Contains(result.Findings, f => f.Contains("task-03"));
    }

    [Fact]
    public void Fewer_reports_than_tasks_without_any_error_are_never_verified()
    {
        var result = Verify(4, Serialized(3), [], counter: 3);

        Assert.NotEqual(Verdict.Verified, result.Verdict);
    }
}
