using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;

namespace ActorRunner.Orchestrator.Tests.Books;

public sealed class RunCourseSpecs
{
    private static LoopRecord Loop(int number, Verdict verdict)
    {
        var verification = new LoopVerification(verdict, 2, new ScenarioOutcome("counter = 2", 2), 2, 0, [], [], [], new Dictionary<string, long>());
        var timings = new LoopTimings(Percentiles.Empty, Percentiles.Empty, Percentiles.Empty, Percentiles.Empty, 0, 500);
        return new LoopRecord(number, 0, verification, timings, 30, 0, []);
    }

    private static TimelineEvent Event(long timeUs, int? loop, string what) => new(timeUs, TimelineRecorder.Orchestrator, loop, null, what);

    [Fact]
    public void The_first_reason_to_stop_early_stands_and_a_run_without_one_stopped_as_planned()
    {
        var course = new RunCourse();
        Assert.Equal(StoppedBy.Failure, course.StoppedBy);
        Assert.Null(course.Abort(null));

        Assert.Equal("node node-2 could not set up", course.Abort("node node-2 could not set up"));
        Assert.Equal("node node-2 could not set up", course.Abort("interrupted"));
        Assert.Equal("node node-2 could not set up", course.AbortReason);

        var planned = new RunCourse();
        planned.StopBy(StoppedBy.Duration);
        Assert.Equal((StoppedBy.Duration, (string?)null, false), (planned.StoppedBy, planned.AbortReason, planned.Interrupted));
    }

    [Fact]
    public void An_interrupted_run_says_so_and_why_it_stopped()
    {
        var course = new RunCourse();
        course.Interrupt();

        Assert.True(course.Interrupted);
        Assert.Equal(StoppedBy.Interrupted, course.StoppedBy);
    }

    [Fact]
    public void The_verdict_is_the_worst_loop_s_and_a_run_cut_short_is_at_best_inconclusive()
    {
        var course = new RunCourse();
        Assert.Equal(Verdict.Inconclusive, course.Verdict(null));
        Assert.Equal(Verdict.Verified, course.Verdict(Verdict.Verified));
        Assert.Equal(Verdict.Violated, course.Verdict(Verdict.Violated));

        course.Abort("a node was lost");
        Assert.Equal(Verdict.Inconclusive, course.Verdict(Verdict.Verified));
        Assert.Equal(Verdict.Violated, course.Verdict(Verdict.Violated));
    }

    [Fact]
    public void The_loops_elapse_from_the_first_loop_s_start_and_not_before_it()
    {
        var course = new RunCourse();
        Assert.Equal(TimeSpan.Zero, course.LoopsElapsed(5_000_000));

        course.LoopBegan(1, startUs: 1_000_000);
        course.LoopBegan(2, startUs: 3_000_000);

        Assert.Equal(1_000_000, course.FirstLoopStartUs);
        Assert.Equal(TimeSpan.FromSeconds(4), course.LoopsElapsed(5_000_000));
        Assert.Equal(TimeSpan.Zero, RunCourse.Elapsed(0, 5_000_000));
    }

    [Fact]
    public void The_outcome_carries_the_course_the_kept_loops_and_their_events_after_the_run_s_own()
    {
        var course = new RunCourse();
        course.AllReady(nowUs: 1_250_000, processStartUs: 1_000_000);
        course.LoopBegan(1, 2_000_000);
        var step = new ClockStep("node-2", 1, 12.5, 0.1);
        course.ClockStepped(step);
        course.Judged(4_000_000);
        course.StopBy(StoppedBy.Loops);
        var book = new LoopBook();
        book.Add(Loop(1, Verdict.Verified), [Event(3_000_000, 1, "loop-verdict")]);
        var node = new NodeRecord("node-1", 100, "host", ["task-1"], 10, true, 0, null, 0, 0);

        var outcome = course.Outcome(course.Verdict(book.Worst), [node], book, [Event(0, null, "run-started"), Event(5_000_000, null, "run-ended")]);

        Assert.Equal(Verdict.Verified, outcome.Verdict);
        Assert.Equal(250, outcome.StartupMs);
        Assert.Equal(StoppedBy.Loops, outcome.StoppedBy);
        Assert.False(outcome.Interrupted);
        Assert.Null(outcome.AbortReason);
        Assert.Equal([node], outcome.Nodes);
        Assert.Equal([1], outcome.Loops.Select(l => l.Loop));
        Assert.Equal(["run-started", "run-ended", "loop-verdict"], outcome.Events.Select(e => e.Event));
        Assert.Equal([step], outcome.ClockSteps!);
        // One loop in the 2 s from the first loop's start to the last verdict.
        Assert.Equal(0.5, outcome.Summary.LoopsPerSecond, 3);
    }
}
