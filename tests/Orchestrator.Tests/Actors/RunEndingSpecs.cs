using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Launching;
using Akka.Event;

namespace ActorRunner.Orchestrator.Tests.Actors;

/// <summary>Two local nodes of one task each, both registered; the run is in its first loop.</summary>
public sealed class RunEndingSpecs
{
    private const string RunId = "run-ending";
    private const string StopsTemplate = "Run {RunId} stops: {Reason}";

    private static readonly RunSettings Settings =
        StepsFixture.Layout(tasks: 2, nodes: 2, tasksPerNode: 1) with { ShutdownTimeout = TimeSpan.FromMilliseconds(700) };

    private readonly StepsFixture _run = new(Settings, RunId);
    private readonly RecordingRef _lock = new("lock");
    private readonly RecordingRef _node1 = new("node-1");
    private readonly RecordingRef _node2 = new("node-2");
    private readonly RunEnding _ending;

    public RunEndingSpecs()
    {
        _ending = new RunEnding(Settings, _run.Run, _run.Books, _run.Post, _run.Observer, _run.Log, _lock);
        _run.Admit(_node1);
        _run.Admit(_node2);
        _run.Books.Begin(1, prepared: true, WireClock.NowUs());
    }

    [Fact]
    public void A_node_whose_process_exits_is_lost_once_logged_as_an_error_and_its_hold_on_the_lock_let_go()
    {
        _ending.Started(new NodeLauncher.NodeStarted("node-1", 4242));

        var lost = _ending.Exited(new NodeLauncher.NodeExited("node-1", 4242, 137, null));
        var again = _ending.Exited(new NodeLauncher.NodeExited("node-1", 4242, 137, null));

        Assert.Equal("node node-1 (pid 4242) exited with code 137", lost);
        Assert.Null(again);
        Assert.Equal(new LockActor.NodeGone("node-1"), Assert.Single(_lock.Told));
        var error = _run.Log.Single("Loop {Loop}: lost {Reason}");
        Assert.Equal((LogLevel.ErrorLevel, (object?)1, (object?)lost), (error.Level, error.Args[0], error.Args[1]));
    }

    [Fact]
    public void A_node_whose_association_dies_is_lost_and_a_stranger_s_is_no_loss()
    {
        Assert.Equal($"node node-2 at {_node2.Path.Address} is unreachable", _ending.Unreachable(_node2));
        Assert.Null(_ending.Unreachable(new RecordingRef("stranger")));
        Assert.Single(_lock.Told);
    }

    [Fact]
    public void A_node_that_exits_once_the_run_is_over_keeps_its_exit_code_and_is_not_lost()
    {
        _ending.ExitedAfterRun(new NodeLauncher.NodeExited("node-2", 8, 0, null));

        Assert.Equal((int?)0, _run.Books.Roster.Find("node-2")!.ExitCode);
        Assert.False(_run.Books.Roster.AnyLost);
        Assert.Empty(_lock.Told);
    }

    [Fact]
    public void A_finish_for_a_reason_is_shown_and_warned_and_every_live_node_told_to_shut_down_on_the_timeline()
    {
        _ending.Exited(new NodeLauncher.NodeExited("node-2", 8, 1, null));

        var stop = _ending.Finish("barrier timeout after 1 s: not ready: node-2");

        Assert.Equal(Shutdown.Instance, _node1.Told[^1]);
        Assert.Empty(_node2.Told);
        Assert.Equal(["node-1"], _run.Timeline.Events.Where(e => e.Event == "sent" && e.Message == "Shutdown").Select(e => e.To));
        Assert.Equal(TimeSpan.FromMilliseconds(700), stop.Grace);
        Assert.Equal(["node-2"], stop.Untold);
        Assert.Equal("barrier timeout after 1 s: not ready: node-2", _run.Books.Course.AbortReason);
        Assert.Equal(("Aborting", "barrier timeout after 1 s: not ready: node-2"), _run.Observer.Calls[^1]);
        Assert.Equal<object?>([RunId, "barrier timeout after 1 s: not ready: node-2"], _run.Log.Single(StopsTemplate).Args);
    }

    [Fact]
    public void A_finish_when_the_loops_ran_out_is_no_abort_and_the_first_reason_to_stop_stands()
    {
        _ending.Finish(null);

        Assert.Null(_run.Books.Course.AbortReason);
        Assert.Empty(_run.Observer.Calls);
        Assert.DoesNotContain(_run.Log.Events, e => e.Template == StopsTemplate);

        Assert.Equal("interrupted", _ending.Interrupt());
        Assert.True(_run.Books.Course.Interrupted);
        Assert.Equal(StoppedBy.Interrupted, _run.Books.Course.StoppedBy);
        _ending.Finish("interrupted");
        _ending.Finish("node node-1 exited with code 1");
        Assert.Equal("interrupted", _run.Books.Course.AbortReason);
    }

    [Fact]
    public void Nodes_killed_at_the_end_are_a_warning_and_a_late_report_is_told_at_debug()
    {
        _ending.AllExited(new NodeLauncher.AllNodesExited(0));
        _ending.AllExited(new NodeLauncher.AllNodesExited(2));
        _ending.ReportAfterRun(new TaskReport(1, "task-1", "node-1", TaskOutcome.Committed, 0, 1, new TaskPhases(1, 2, 3, 4, 5, 6, 7), TaskFailure.None, null));

        Assert.Equal(
            [(LogLevel.WarningLevel, "{Killed} node processes had to be killed", new object?[] { 2 }),
             (LogLevel.DebugLevel, "Loop {Loop}: report of task {Task} after the run ended", new object?[] { 1, "task-1" })],
            _run.Log.Events.Select(e => (e.Level, e.Template, e.Args.ToArray())));
    }

    [Fact]
    public void The_orchestrator_s_own_failure_cuts_the_run_short_naming_it_and_tells_every_live_node_to_shut_down()
    {
        _ending.Failed(new InvalidOperationException("LoopDone failed"), new TaskReport(1, "task-1", "node-1", TaskOutcome.Committed, 0, 1,
            new TaskPhases(1, 2, 3, 4, 5, 6, 7), TaskFailure.None, null));

        Assert.Equal("the orchestrator failed: LoopDone failed", _run.Books.Course.AbortReason);
        Assert.Equal(("Aborting", "the orchestrator failed: LoopDone failed"), Assert.Single(_run.Observer.Calls));
        Assert.Equal([Shutdown.Instance], _node1.Told);
        Assert.Equal([Shutdown.Instance], _node2.Told);
        var error = _run.Log.Single("Run {RunId}: the orchestrator failed on {MessageType} in loop {Loop}; the run stops");
        Assert.Equal<object?>([RunId, "TaskReport", 1], error.Args);
        Assert.Equal(LogLevel.ErrorLevel, error.Level);
    }
}
