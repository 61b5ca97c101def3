using ActorRunner.Messages;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;

namespace ActorRunner.Orchestrator.Tests.Books;

public sealed class LoopJudgingSpecs
{
    private readonly Counter _counter = new();

    private ScenarioSteps Steps() =>
        new(_counter, SettingsLoader.ScenarioRunOf(SettingsLoader.Load([]).Settings with { Tasks = 2 }, "run-judging", "/nonexistent/counter.db"),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    private static TaskReport Report(int loop, string task, long observed) =>
        new(loop, task, "node-1", TaskOutcome.Committed, observed, observed + 1, new TaskPhases(1, 2, 3, 4, 5, 6, 7), TaskFailure.None, null);

    /// <summary>Loop 3 with two tasks that read 0 and 1: verified when the counter is 2, violated when it is 1.</summary>
    private static LoopClose Close(bool read = true, string? abort = null) =>
        new(3, 2, [Report(3, "task-1", 0), Report(3, "task-2", 1)], [], abort, read);

    private (LoopVerification Verification, StoppedBy? Stopped, NextReset Next) Judge(LoopClose close, int loops = 10, bool mayGoOn = true,
        bool continueOnFailure = false, TimeSpan? duration = null, TimeSpan? elapsed = null) =>
        LoopJudging.Judge(Steps(), close, new LoopPlan(loops, duration ?? TimeSpan.Zero), firstLoopStartUs: 1_000_000,
            () => 1_000_000 + (long)(elapsed ?? TimeSpan.Zero).TotalMicroseconds, mayGoOn, continueOnFailure);

    [Fact]
    public void A_verified_loop_the_plan_allows_another_after_is_followed_at_once_by_the_next_loop_s_reset()
    {
        _counter.Value = 2;

        var (verification, stopped, next) = Judge(Close());

        Assert.Equal(Verdict.Verified, verification.Verdict);
        Assert.Null(stopped);
        Assert.Same(NextReset.Done.Instance, next);
        Assert.Equal([4], _counter.Prepared);
    }

    [Fact]
    public void A_loop_not_verified_stops_the_run_unless_it_continues_on_failure()
    {
        _counter.Value = 1;

        var stops = Judge(Close());
        Assert.Equal(Verdict.Violated, stops.Verification.Verdict);
        Assert.Same(NextReset.NotRun.Instance, stops.Next);
        Assert.Empty(_counter.Prepared);

        var goesOn = Judge(Close(), continueOnFailure: true);
        Assert.Equal(Verdict.Violated, goesOn.Verification.Verdict);
        Assert.Same(NextReset.Done.Instance, goesOn.Next);
        Assert.Equal([4], _counter.Prepared);
    }

    [Fact]
    public void The_plan_s_end_is_decided_with_the_verdict_and_no_reset_follows_it()
    {
        _counter.Value = 2;

        var last = Judge(Close(), loops: 3);
        var spent = Judge(Close(), loops: 0, duration: TimeSpan.FromSeconds(10), elapsed: TimeSpan.FromSeconds(11));

        Assert.Equal((StoppedBy?)StoppedBy.Loops, last.Stopped);
        Assert.Equal((StoppedBy?)StoppedBy.Duration, spent.Stopped);
        Assert.Same(NextReset.NotRun.Instance, last.Next);
        Assert.Same(NextReset.NotRun.Instance, spent.Next);
        Assert.Empty(_counter.Prepared);
    }

    [Fact]
    public void A_loop_that_cannot_be_followed_is_judged_without_a_reset_and_one_never_released_is_not_read()
    {
        _counter.Value = 2;

        var cutShort = Judge(Close(abort: "loop timeout after 2 s"), mayGoOn: false);
        Assert.Equal(Verdict.Inconclusive, cutShort.Verification.Verdict);
        Assert.Same(NextReset.NotRun.Instance, cutShort.Next);
        Assert.Equal(1, _counter.Reads);

        var unread = Judge(Close(read: false, abort: "no task was released, the outcome was not read"), mayGoOn: false);
        Assert.Equal(1, _counter.Reads);
        Assert.Equal("not read: no task was released", unread.Verification.Outcome.Summary);
        Assert.Empty(_counter.Prepared);
    }

    [Fact]
    public void A_reset_that_fails_is_said_as_the_reason_to_stop()
    {
        _counter.Value = 2;
        _counter.FailingReset = 4;

        var (verification, _, next) = Judge(Close());

        Assert.Equal(Verdict.Verified, verification.Verdict);
        var failed = Assert.IsType<NextReset.Failed>(next);
        Assert.Contains("could not prepare loop 4 (BeforeTasks): disk I/O error", failed.Reason);
    }

    /// <summary>A counter in memory: the loop's outcome is <see cref="Value"/>; each reset is recorded.</summary>
    [Fact]
    public void After_a_loop_cut_short_or_that_lost_a_node_the_run_finishes_whatever_continue_on_failure_says()
    {
        Assert.Equal(new AfterVerdict.Finish("loop timeout after 2 s"),
            LoopJudging.After("loop timeout after 2 s", nodeLost: false, Verdict.Inconclusive, continueOnFailure: true, null, NextReset.NotRun.Instance));
        Assert.Equal(new AfterVerdict.Finish("a node was lost"),
            LoopJudging.After(null, nodeLost: true, Verdict.Verified, continueOnFailure: true, null, NextReset.Done.Instance));
    }

    [Fact]
    public void After_a_verdict_the_run_stops_on_failure_or_when_the_loops_ran_out_and_else_the_next_loop_starts()
    {
        Assert.Equal(new AfterVerdict.Finish(null), LoopJudging.After(null, false, Verdict.Violated, continueOnFailure: false, null, NextReset.NotRun.Instance));
        Assert.Equal(new AfterVerdict.NextLoop(Prepared: true), LoopJudging.After(null, false, Verdict.Violated, continueOnFailure: true, null, NextReset.Done.Instance));
        Assert.Equal(new AfterVerdict.Finish(null, StoppedBy.Duration), LoopJudging.After(null, false, Verdict.Verified, false, StoppedBy.Duration, NextReset.NotRun.Instance));
        Assert.Equal(new AfterVerdict.Finish("reset failed"), LoopJudging.After(null, false, Verdict.Verified, false, null, new NextReset.Failed("reset failed")));
        Assert.Equal(new AfterVerdict.NextLoop(Prepared: false), LoopJudging.After(null, false, Verdict.Verified, false, null, NextReset.NotRun.Instance));
    }

    private sealed class Counter : Scenario
    {
        public long Value { get; set; }
        public int Reads { get; private set; }
        public int FailingReset { get; set; }
        public List<int> Prepared { get; } = new();

        public override void BeforeTasks(LoopContext context)
        {
            if (context.Loop == FailingReset) throw new IOException("disk I/O error");
            Prepared.Add(context.Loop);
        }

        public override IScenarioTask CreateTask(TaskContext context) => throw new NotSupportedException("no tasks in the orchestrator");

        public override ScenarioOutcome AfterTasks(LoopContext context)
        {
            Reads++;
            return new($"counter = {Value}", Value);
        }

        public override ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results) =>
            Scenarios.SqliteCounter.CounterScenario.Judge(context.Run.Tasks, outcome.Value, results);
    }
}
