using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Reporting;
using Akka.Event;

namespace ActorRunner.Orchestrator.Tests.Books;

public sealed class ClockReadingsSpecs
{
    private const long SentUs = 1_000_000;
    private const string StepTemplate = "Loop {Loop}: the clock of node {Node} stepped by {StepMs} ms (+/- {UncertaintyMs} ms) since the last measurement; this loop on uses the new offset";

    private readonly RecordingLog _log = new();
    private readonly RunCourse _course = new();
    private readonly StepObserver _observer = new();
    private readonly RosterNode _node = new("node-1", local: true, ["task-1"], 0);

    private ClockReadings Readings() => new(_course, _observer, _log);

    /// <summary>
    /// The node, its offset known as <paramref name="knownOffsetUs"/> +/- 100 µs, is told at <see cref="SentUs"/> to
    /// park for loop 2 and answers after 100 µs of its own, its clock <paramref name="offsetUs"/> behind the
    /// orchestrator's; the answer arrives 200 µs after the send (100 µs on the wire) and is read.
    /// </summary>
    private void Exchange(long knownOffsetUs, long offsetUs)
    {
        _node.ReadyWith(new NodeReady("node-1", 1, knownOffsetUs, ClockUncertaintyUs: 100), WireClock.NowUs());
        _node.Prepare(2, SentUs);
        Readings().Read(_node, new TasksReady(2, "node-1", SentUs + 50 - offsetUs, SentUs + 150 - offsetUs, ElapsedUs: 100), SentUs + 200, 2);
    }

    [Fact]
    public void A_clock_that_agrees_with_what_was_known_is_measured_for_the_loop_and_no_step_is_named()
    {
        Exchange(knownOffsetUs: 30, offsetUs: 0);

        Assert.Equal(new NodeClock(0, 50), _node.ClockThisLoop);
        Assert.Empty(_course.ClockSteps);
        Assert.Empty(_observer.Steps);
        var debug = Assert.Single(_log.Events);
        Assert.Equal(LogLevel.DebugLevel, debug.Level);
        Assert.Equal<object?>([2, "node-1", 0L, 50L], debug.Args.Take(4));
    }

    [Fact]
    public void A_clock_that_jumped_is_a_step_kept_in_the_course_shown_and_warned_of_and_the_loop_uses_the_new_offset()
    {
        Exchange(knownOffsetUs: 0, offsetUs: 5_000);

        Assert.Equal(new NodeClock(5_000, 50), _node.ClockThisLoop);
        var step = Assert.Single(_course.ClockSteps);
        Assert.Equal(("node-1", 2, -5.0), (step.Node, step.Loop, step.StepMs));
        Assert.Equal([step], _observer.Steps);
        var warning = _log.Single(StepTemplate);
        Assert.Equal(LogLevel.WarningLevel, warning.Level);
        Assert.Equal<object?>([2, "node-1", -5.0, step.UncertaintyMs], warning.Args);
    }

    [Fact]
    public void An_exchange_that_does_not_add_up_leaves_the_last_offset_standing_and_says_so()
    {
        _node.ReadyWith(new NodeReady("node-1", 1, ClockOffsetUs: 700, ClockUncertaintyUs: 100), WireClock.NowUs());
        _node.Prepare(2, SentUs);
        // The node says it spent 500 µs within a round trip of 200 µs: the orchestrator's clock moved meanwhile.
        var ready = new TasksReady(2, "node-1", SentUs, SentUs + 500, ElapsedUs: 500);

        Readings().Read(_node, ready, SentUs + 200, 2);

        Assert.Equal(700, _node.ClockThisLoop.OffsetUs);
        Assert.Empty(_course.ClockSteps);
        var warning = Assert.Single(_log.Events);
        Assert.Equal(LogLevel.WarningLevel, warning.Level);
        Assert.Equal<object?>([2, "node-1", 500L, 200L], warning.Args);
    }

    private sealed class StepObserver : IRunObserver
    {
        public List<ClockStep> Steps { get; } = new();
        public void ClockStepped(ClockStep step) => Steps.Add(step);
        public void RunStarting(RunSettings settings, RunContext run, string address) { }
        public void NodeJoined(string nodeId, double joinMs, int ready, int expected) { }
        public void LoopDone(LoopRecord loop, bool kept, LoopProgress progress) { }
        public void TaskReported(int loop, int reported, int expected) { }
        public void Aborting(string reason) { }
    }
}
