using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Launching;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorRunner.Orchestrator.Tests.Actors;

public sealed class OrchestratorActorSpecs : TestKit
{
    private const string RunId = "run-specs";
    private const string Token = "token-specs";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan OutcomeWithin = TimeSpan.FromSeconds(8);

    private static readonly IReadOnlyDictionary<string, string[]> TasksOf = new Dictionary<string, string[]>
    {
        ["node-1"] = ["task-1", "task-2"],
        ["node-2"] = ["task-3", "task-4"],
    };

    private readonly RunSettings _settings = SettingsLoader.Load([]).Settings with
    {
        Tasks = 4,
        Nodes = 2,
        RemoteNodes = 0,
        TasksPerNode = 2,
        Loops = 1,
        ReleaseDelay = TimeSpan.Zero,
        ReleaseLead = TimeSpan.FromMilliseconds(20),
        LockTimeout = TimeSpan.FromMilliseconds(500),
        JoinTimeout = TimeSpan.FromSeconds(3),
        BarrierTimeout = TimeSpan.FromSeconds(1),
        LoopTimeout = TimeSpan.FromSeconds(2),
        ShutdownTimeout = TimeSpan.FromMilliseconds(500),
    };

    private readonly RunContext _run = new(RunId, Token, "/nonexistent/run", "/nonexistent/run/counter.db",
        "/nonexistent/run/counter.lock", "/nonexistent/run/report.json", "/nonexistent/run/logs", WireClock.NowUs());

    private readonly FakeState _state = new();
    private readonly RecordingObserver _observer = new();
    private readonly TaskCompletionSource<RunOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TestProbe _launcher;
    private readonly TestProbe _node1;
    private readonly TestProbe _node2;

    public OrchestratorActorSpecs()
    {
        _launcher = CreateTestProbe("launcher-watch");
        _node1 = CreateTestProbe("node-1");
        _node2 = CreateTestProbe("node-2");
    }

    private IActorRef StartOrchestrator(RunSettings? settings = null)
    {
        settings ??= _settings;
        var steps = new ScenarioSteps(_state, SettingsLoader.ScenarioRunOf(settings, RunId, _run.DbPath), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        return Sys.ActorOf(OrchestratorActor.Props(settings, _run, steps, _observer, Props.Create(() => new FakeLauncher(_launcher.Ref)), _done), "orchestrator");
    }

    private static RegisterNode Register(string nodeId, string runId = RunId, string token = Token, int version = Protocol.Version) =>
        new(runId, token, nodeId, 1000 + nodeId.Length, "host-specs", version);

    private static void Join(IActorRef orchestrator, TestProbe node, string nodeId)
    {
        node.Send(orchestrator, Register(nodeId));
        var accepted = node.ExpectMsg<NodeAccepted>(Wait);
        Assert.Equal(nodeId, accepted.NodeId);
        Assert.Equal(RunId, accepted.RunId);
        Assert.Equal(TasksOf[nodeId], accepted.TaskIds);
        Assert.Equal(RunnerLock.File, accepted.Lock);
        Assert.Equal("file", accepted.LockMode);
        Assert.Equal(500, accepted.LockTimeoutMs);
    }

    private void JoinBoth(IActorRef orchestrator)
    {
        Join(orchestrator, _node1, "node-1");
        Join(orchestrator, _node2, "node-2");
        _node1.Send(orchestrator, new NodeReady("node-1", 2, 0, 0));
        _node2.Send(orchestrator, new NodeReady("node-2", 2, 0, 0));
    }

    /// <summary>Both nodes park their tasks for loop 1 and are released.</summary>
    private void ParkAndRelease(IActorRef orchestrator)
    {
        var nodes = new[] { (_node1, "node-1"), (_node2, "node-2") };
        var prepares = nodes.Select(n => n.Item1.ExpectMsg<PrepareLoop>(Wait)).ToList();
        Assert.All(prepares, p => Assert.Equal(1, p.Loop));
        var before = WireClock.NowUs();
        for (var i = 0; i < nodes.Length; i++) nodes[i].Item1.Send(orchestrator, Ready(prepares[i], nodes[i].Item2));
        foreach (var (node, _) in nodes)
        {
            var release = node.ExpectMsg<Release>(Wait);
            Assert.Equal(1, release.Loop);
            Assert.True(release.ReleaseAtUs > before, "the release instant lies ahead");
        }
    }

    private static void ReportCommitted(IActorRef orchestrator, TestProbe node, string nodeId, string taskId, long observed, int loop = 1)
    {
        var now = WireClock.NowUs();
        node.Send(orchestrator, new TaskReport(loop, taskId, nodeId, TaskOutcome.Committed, observed, observed + 1,
            new TaskPhases(now - 50, now - 40, now - 30, now - 20, now - 15, now - 10, now - 5), TaskFailure.None, null));
    }

    /// <summary>All four tasks of loop 1 commit, having read these values (task-1 and task-2 on node-1, the rest on node-2).</summary>
    private void ReportAll(IActorRef orchestrator, params long[] observed) => ReportAllOf(orchestrator, 1, observed);

    /// <summary>All four tasks of <paramref name="loop"/> commit, having read these values.</summary>
    private void ReportAllOf(IActorRef orchestrator, int loop, params long[] observed)
    {
        for (var i = 0; i < observed.Length; i++)
        {
            var (node, id) = i < 2 ? (_node1, "node-1") : (_node2, "node-2");
            ReportCommitted(orchestrator, node, id, $"task-{i + 1}", observed[i], loop);
        }
    }

    private async Task<RunOutcome> Outcome() => await _done.Task.WaitAsync(OutcomeWithin);

    [Fact]
    public async Task A_complete_barrier_releases_every_node_and_a_correct_counter_is_verified()
    {
        var orchestrator = StartOrchestrator();
        var start = _launcher.ExpectMsg<NodeLauncher.StartNodes>(Wait);
        Assert.Equal(["node-1", "node-2"], start.Nodes.Select(n => n.NodeId));
        Assert.All(start.Nodes, n => Assert.Contains(Token, n.Arguments));

        JoinBoth(orchestrator);
        ParkAndRelease(orchestrator);
        _state.Counter = 4;
        ReportAll(orchestrator, 0, 1, 2, 3);

        var outcome = await Outcome();

        Assert.Equal(Verdict.Verified, outcome.Verdict);
        Assert.Null(outcome.AbortReason);
        Assert.False(outcome.Interrupted);
        var loop = Assert.Single(outcome.Loops);
        Assert.Equal(Verdict.Verified, loop.Verification.Verdict);
        Assert.Equal(4, loop.Verification.Acknowledged);
        Assert.Equal(4, loop.Verification.Counter);
        Assert.Equal(["node-1", "node-2"], outcome.Nodes.Select(n => n.Id));
        Assert.All(outcome.Nodes, n => Assert.Null(n.Lost));
        _node1.ExpectMsg<Shutdown>(Wait);
        _node2.ExpectMsg<Shutdown>(Wait);
        Assert.Equal([1], _state.PreparedLoops);
        Assert.Equal(1, _observer.Count("RunStarting"));
        Assert.Equal(2, _observer.Count("NodeJoined"));
        Assert.Equal(1, _observer.Count("LoopDone"));
        Assert.Equal(0, _observer.Count("Aborting"));
    }

    [Fact]
    public async Task A_spent_time_budget_ends_an_uncounted_run_after_the_loop_under_way_verified()
    {
        var orchestrator = StartOrchestrator(_settings with { Loops = 0, Duration = TimeSpan.FromMilliseconds(1) });
        JoinBoth(orchestrator);
        ParkAndRelease(orchestrator);
        // The budget is spent while the loop is under way (the exchange itself can take less than 1 ms).
        await Task.Delay(20);
        _state.Counter = 4;
        ReportAll(orchestrator, 0, 1, 2, 3);

        var outcome = await Outcome();

        Assert.Equal(Verdict.Verified, outcome.Verdict);
        Assert.Equal(StoppedBy.Duration, outcome.StoppedBy);
        Assert.Equal(1, outcome.Summary.LoopsRun);
        Assert.Equal(1, outcome.Summary.Verified);
        Assert.Null(outcome.AbortReason);
        // The next loop's tasks were parked while loop 1 was judged; the spent budget lets them go with the shutdown.
        Assert.Equal(2, _node1.ExpectMsg<PrepareLoop>(Wait).Loop);
        _node1.ExpectMsg<Shutdown>(Wait);
        Assert.Equal(4, _observer.Count("TaskReported"));
    }

    [Fact]
    public async Task A_lost_update_reported_by_the_tasks_is_violated()
    {
        var orchestrator = StartOrchestrator();
        JoinBoth(orchestrator);
        ParkAndRelease(orchestrator);
        _state.Counter = 3;
        ReportAll(orchestrator, 0, 1, 1, 2);

        var outcome = await Outcome();

        Assert.Equal(Verdict.Violated, outcome.Verdict);
        var collision = Assert.Single(Assert.Single(outcome.Loops).Verification.Collisions);
        Assert.Equal(["task-2", "task-3"], collision.Tasks);
    }

    [Fact]
    public async Task A_barrier_timeout_ends_the_loop_inconclusive_naming_the_missing_node()
    {
        var orchestrator = StartOrchestrator();
        JoinBoth(orchestrator);
        var prepare = _node1.ExpectMsg<PrepareLoop>(Wait);
        Assert.Equal(1, prepare.Loop);
        Assert.Equal(1, _node2.ExpectMsg<PrepareLoop>(Wait).Loop);
        _node1.Send(orchestrator, Ready(prepare, "node-1"));

        var outcome = await Outcome();

        Assert.Equal(Verdict.Inconclusive, outcome.Verdict);
        var loop = Assert.Single(outcome.Loops);
        Assert.Equal(Verdict.Inconclusive, loop.Verification.Verdict);
        var barrier = Assert.Single(loop.Verification.Findings, f => f.Contains("barrier timeout"));
        Assert.Contains("node-2", barrier);
        Assert.DoesNotContain("node-1", barrier);
        Assert.Equal(4, loop.Verification.Errors.Count);
        Assert.Equal(0, loop.Verification.Indeterminate);
        Assert.All(loop.Verification.Errors, e => Assert.Equal("never released", e.Error));
        // Neither node was released; both are told to go.
        _node1.ExpectMsg<Shutdown>(Wait);
        _node2.ExpectMsg<Shutdown>(Wait);
    }

    [Fact]
    public async Task A_late_report_from_an_earlier_loop_is_recognised_and_not_counted_in_the_next()
    {
        var orchestrator = StartOrchestrator(_settings with { Loops = 2 });
        JoinBoth(orchestrator);
        ParkAndRelease(orchestrator);
        _state.Counter = 4;
        ReportAll(orchestrator, 0, 1, 2, 3);

        // Loop 2: a report of loop 1 arrives late (a node paused, then resumed), before task-1's own loop-2 report.
        var (prepare1, prepare2) = (_node1.ExpectMsg<PrepareLoop>(Wait), _node2.ExpectMsg<PrepareLoop>(Wait));
        Assert.Equal((2, 2), (prepare1.Loop, prepare2.Loop));
        _node1.Send(orchestrator, Ready(prepare1, "node-1"));
        _node2.Send(orchestrator, Ready(prepare2, "node-2"));
        _node1.ExpectMsg<Release>(Wait);
        _node2.ExpectMsg<Release>(Wait);
        var now = WireClock.NowUs();
        _node1.Send(orchestrator, new TaskReport(1, "task-1", "node-1", TaskOutcome.Committed, 7, 8,
            new TaskPhases(now - 50, now - 40, now - 30, now - 20, now - 15, now - 10, now - 5), TaskFailure.None, null));
        foreach (var (node, id, task, observed) in new[] { (_node1, "node-1", "task-1", 3L), (_node1, "node-1", "task-2", 2L), (_node2, "node-2", "task-3", 1L), (_node2, "node-2", "task-4", 0L) })
            node.Send(orchestrator, new TaskReport(2, task, id, TaskOutcome.Committed, observed, observed + 1,
                new TaskPhases(now - 50, now - 40, now - 30, now - 20, now - 15, now - 10, now - 5), TaskFailure.None, null));

        var outcome = await Outcome();

        Assert.Equal(Verdict.Verified, outcome.Verdict);
        var second = outcome.Loops[1];
        Assert.Equal(3, second.Reports.Single(r => r.TaskId == "task-1").Observed);
        Assert.All(second.Reports, r => Assert.Equal(2, r.Loop));
    }

    [Fact]
    public async Task The_next_loops_tasks_park_right_behind_the_release_and_its_release_waits_for_the_verdict_and_the_reset()
    {
        var orchestrator = StartOrchestrator(_settings with { Loops = 2 });
        JoinBoth(orchestrator);
        ParkAndRelease(orchestrator);
        // Right behind loop 1's Release, before any report: every node is told to park its tasks for loop 2.
        var (prepare1, prepare2) = (_node1.ExpectMsg<PrepareLoop>(Wait), _node2.ExpectMsg<PrepareLoop>(Wait));
        Assert.Equal((2, 2), (prepare1.Loop, prepare2.Loop));
        _state.Counter = 4;
        _state.Reading.Reset();
        // Each node's tasks report, then say they are parked for loop 2 (as a node does, right behind its reports).
        ReportAll(orchestrator, 0, 1, 2, 3);
        _node1.Send(orchestrator, Ready(prepare1, "node-1"));
        _node2.Send(orchestrator, Ready(prepare2, "node-2"));

        // Loop 1's outcome is being read (held here): every node is ready for loop 2, but nothing is released.
        _node1.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal([1], _state.PreparedLoops);
        Assert.Equal(0, _observer.Count("LoopDone"));

        // Judged: loop 2's store is reset, then its Release goes out (no second PrepareLoop).
        _state.Reading.Set();
        Assert.Equal(2, _node1.ExpectMsg<Release>(Wait).Loop);
        Assert.Equal(2, _node2.ExpectMsg<Release>(Wait).Loop);
        Assert.Equal([1, 2], _state.PreparedLoops);
        // Loop 1's verdict is shown once loop 2 is under way (the console is off the loop's path).
        AwaitAssert(() => Assert.Equal(1, _observer.Count("LoopDone")), Wait);
        ReportAllOf(orchestrator, 2, 0, 1, 2, 3);

        var outcome = await Outcome();

        Assert.Equal(Verdict.Verified, outcome.Verdict);
        Assert.Equal(2, outcome.Summary.Verified);
        // The last loop parks nothing ahead.
        _node1.ExpectMsg<Shutdown>(Wait);
    }

    [Fact]
    public async Task The_next_loops_release_and_the_judging_wait_for_no_console_line()
    {
        var orchestrator = StartOrchestrator(_settings with { Loops = 2 });
        JoinBoth(orchestrator);
        ParkAndRelease(orchestrator);
        var (prepare1, prepare2) = (_node1.ExpectMsg<PrepareLoop>(Wait), _node2.ExpectMsg<PrepareLoop>(Wait));
        _state.Counter = 4;
        _state.Reading.Reset();
        // The console is stuck on the last report's progress and then on loop 1's verdict line.
        _observer.Hold("TaskReported", after: 3);
        _observer.Hold("LoopDone");
        _node1.Send(orchestrator, Ready(prepare1, "node-1"));
        _node2.Send(orchestrator, Ready(prepare2, "node-2"));
        ReportAll(orchestrator, 0, 1, 2, 3);

        // The last report starts the reading of loop 1's outcome while the console still shows it.
        Assert.True(_state.ReadStarted.Wait(Wait), "the outcome is read before the last report is shown");
        Assert.Equal(4, _observer.Count("TaskReported")); // the fourth is the one held
        _state.Reading.Set();
        _observer.Release("TaskReported");

        // Loop 2 is released while loop 1's verdict line is still being written.
        Assert.Equal(2, _node1.ExpectMsg<Release>(Wait).Loop);
        Assert.Equal(2, _node2.ExpectMsg<Release>(Wait).Loop);
        AwaitAssert(() => Assert.Equal(1, _observer.Count("LoopDone")), Wait);
        _observer.Release("LoopDone");
        ReportAllOf(orchestrator, 2, 0, 1, 2, 3);

        var outcome = await Outcome();

        Assert.Equal(2, outcome.Summary.Verified);
        Assert.Equal(2, _observer.Count("LoopDone"));
    }

    [Fact]
    public async Task A_node_ready_for_the_next_loop_before_the_others_have_reported_is_released_with_them_once_judged()
    {
        var orchestrator = StartOrchestrator(_settings with { Loops = 3 });
        JoinBoth(orchestrator);
        ParkAndRelease(orchestrator);
        var (prepare1, prepare2) = (_node1.ExpectMsg<PrepareLoop>(Wait), _node2.ExpectMsg<PrepareLoop>(Wait));
        _state.Counter = 4;

        // node-1's tasks have reported and parked for loop 2 while node-2's still race: nothing more goes out.
        ReportCommitted(orchestrator, _node1, "node-1", "task-1", 0);
        ReportCommitted(orchestrator, _node1, "node-1", "task-2", 1);
        _node1.Send(orchestrator, Ready(prepare1, "node-1"));
        _node1.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _node2.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, _observer.Count("LoopDone"));

        // node-2's tasks report and park in turn: loop 1 is judged, loop 2 reset and released.
        ReportCommitted(orchestrator, _node2, "node-2", "task-3", 2);
        ReportCommitted(orchestrator, _node2, "node-2", "task-4", 3);
        _node2.Send(orchestrator, Ready(prepare2, "node-2"));
        Assert.Equal(2, _node1.ExpectMsg<Release>(Wait).Loop);
        Assert.Equal(2, _node2.ExpectMsg<Release>(Wait).Loop);
        Assert.Equal([1, 2], _state.PreparedLoops);

        // Loop 2, released on readiness kept from before it started, parks loop 3 the same way.
        var (prepare31, prepare32) = (_node1.ExpectMsg<PrepareLoop>(Wait), _node2.ExpectMsg<PrepareLoop>(Wait));
        Assert.Equal((3, 3), (prepare31.Loop, prepare32.Loop));
        ReportAllOf(orchestrator, 2, 0, 1, 2, 3);
        _node1.Send(orchestrator, Ready(prepare31, "node-1"));
        _node2.Send(orchestrator, Ready(prepare32, "node-2"));
        Assert.Equal(3, _node1.ExpectMsg<Release>(Wait).Loop);
        ReportAllOf(orchestrator, 3, 0, 1, 2, 3);

        var outcome = await Outcome();

        Assert.Equal(3, outcome.Summary.Verified);
        // The last loop parks nothing ahead.
        _node1.ExpectMsg<Shutdown>(Wait);
    }

    [Fact]
    public async Task A_defect_in_the_orchestrator_ends_the_run_with_what_was_judged_and_stops_the_nodes_instead_of_starting_over()
    {
        var orchestrator = StartOrchestrator();
        _launcher.ExpectMsg<NodeLauncher.StartNodes>(Wait);
        JoinBoth(orchestrator);
        ParkAndRelease(orchestrator);
        _observer.Throws = "TaskReported";
        Watch(orchestrator);
        ReportCommitted(orchestrator, _node1, "node-1", "task-1", 0);

        var outcome = await Outcome();

        Assert.Equal(Verdict.Inconclusive, outcome.Verdict);
        Assert.Equal("the orchestrator failed: TaskReported failed", outcome.AbortReason);
        _node1.FishForMessage(m => m is Shutdown, Wait);
        _node2.FishForMessage(m => m is Shutdown, Wait);
        ExpectTerminated(orchestrator, Wait);
        // Nothing starts over: no node is launched again.
        _launcher.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_violated_loop_that_ends_the_run_leaves_the_store_as_it_found_it()
    {
        var orchestrator = StartOrchestrator(_settings with { Loops = 3 });
        JoinBoth(orchestrator);
        ParkAndRelease(orchestrator);
        _state.Counter = 3;
        ReportAll(orchestrator, 0, 1, 1, 2);

        var outcome = await Outcome();

        Assert.Equal(Verdict.Violated, outcome.Verdict);
        // The next loop was parked ahead, but its reset never ran: the lost update stays in the store as evidence.
        Assert.Equal([1], _state.PreparedLoops);
    }

    [Fact]
    public async Task A_reset_that_fails_after_a_verdict_keeps_the_verdict_and_stops_the_run_naming_the_loop()
    {
        _state.FailingReset = 2;
        var orchestrator = StartOrchestrator(_settings with { Loops = 3 });
        JoinBoth(orchestrator);
        ParkAndRelease(orchestrator);
        _state.Counter = 4;
        ReportAll(orchestrator, 0, 1, 2, 3);

        var outcome = await Outcome();

        Assert.Equal(1, outcome.Summary.Verified);
        Assert.Contains("could not prepare loop 2 (BeforeTasks): disk I/O error", outcome.AbortReason);
        Assert.Equal(1, _observer.Count("LoopDone"));
    }

    [Fact]
    public async Task A_loop_cut_short_before_its_release_never_reads_a_stale_counter_as_a_violation()
    {
        // The store still holds an earlier count (its reset may not have happened yet when the node is lost).
        _state.Counter = 12;
        var orchestrator = StartOrchestrator();
        JoinBoth(orchestrator);
        _node1.ExpectMsg<PrepareLoop>(Wait);
        _node2.ExpectMsg<PrepareLoop>(Wait);

        NodeExits(orchestrator, "node-2");
        var outcome = await Outcome();

        var loop = Assert.Single(outcome.Loops).Verification;
        Assert.Equal(Verdict.Inconclusive, loop.Verdict);
        Assert.Equal(Verdict.Inconclusive, outcome.Verdict);
        Assert.Equal(0, loop.Counter);
        Assert.Empty(loop.Collisions);
        Assert.Contains(loop.Findings, f => f.Contains("no task was released"));
        Assert.Contains(loop.Findings, f => f.Contains("node-2"));
    }

    [Fact]
    public async Task A_node_lost_after_the_release_makes_the_loop_inconclusive_with_its_tasks_indeterminate()
    {
        var orchestrator = StartOrchestrator();
        JoinBoth(orchestrator);
        ParkAndRelease(orchestrator);
        _state.Counter = 3; // one of node-2's writes landed before it died
        ReportCommitted(orchestrator, _node1, "node-1", "task-1", 0);
        ReportCommitted(orchestrator, _node1, "node-1", "task-2", 1);

        NodeExits(orchestrator, "node-2");
        var outcome = await Outcome();

        Assert.Equal(Verdict.Inconclusive, outcome.Verdict);
        Assert.NotNull(outcome.AbortReason);
        Assert.Contains("node-2", outcome.AbortReason);
        var loop = Assert.Single(outcome.Loops).Verification;
        Assert.Equal(Verdict.Inconclusive, loop.Verdict);
        Assert.Equal(2, loop.Acknowledged);
        Assert.Equal(2, loop.Indeterminate);
        Assert.Equal(["task-3", "task-4"], loop.Errors.Select(e => e.Task));
        Assert.All(loop.Errors, e => Assert.True(e.Indeterminate));
        Assert.All(loop.Errors, e => Assert.Equal("node-2", e.Node));
        Assert.Contains(loop.Findings, f => f.Contains("node-2"));
        Assert.Empty(loop.Collisions);
        Assert.NotNull(outcome.Nodes.Single(n => n.Id == "node-2").Lost);
        Assert.Null(outcome.Nodes.Single(n => n.Id == "node-1").Lost);
        // The surviving node is told to call the loop off (naming the lost node), then to shut down.
        Assert.Contains("node-2", _node1.ExpectMsg<AbortLoop>(Wait).Reason);
        _node1.ExpectMsg<Shutdown>(Wait);
    }

    [Fact]
    public async Task Strangers_are_refused_with_the_reason_and_the_run_goes_on()
    {
        var orchestrator = StartOrchestrator();
        var refusals = new (RegisterNode Register, string Reason)[]
        {
            (Register("node-1", token: "not-the-token"), "wrong token"),
            (Register("node-1", version: Protocol.Version + 1), $"protocol version {Protocol.Version + 1}"),
            (Register("node-1", runId: "another-run"), "another-run"),
        };
        foreach (var (register, reason) in refusals)
        {
            var stranger = CreateTestProbe();
            stranger.Send(orchestrator, register);
            var rejected = stranger.ExpectMsg<NodeRejected>(Wait);
            Assert.Equal("node-1", rejected.NodeId);
            Assert.Contains(reason, rejected.Reason);
        }

        Join(orchestrator, _node1, "node-1");
        Join(orchestrator, _node2, "node-2");
        var impostor = CreateTestProbe();
        impostor.Send(orchestrator, Register("node-2"));
        Assert.Contains("node id node-2 is taken", impostor.ExpectMsg<NodeRejected>(Wait).Reason);
        _node1.Send(orchestrator, new NodeReady("node-1", 2, 0, 0));
        _node2.Send(orchestrator, new NodeReady("node-2", 2, 0, 0));
        ParkAndRelease(orchestrator);
        var latecomer = CreateTestProbe();
        latecomer.Send(orchestrator, Register("node-3"));
        Assert.Equal("the run has started", latecomer.ExpectMsg<NodeRejected>(Wait).Reason);
        _state.Counter = 4;
        ReportAll(orchestrator, 0, 1, 2, 3);

        var outcome = await Outcome();

        Assert.Equal(Verdict.Verified, outcome.Verdict);
        Assert.Equal(["node-1", "node-2"], outcome.Nodes.Select(n => n.Id));
    }

    [Fact]
    public async Task A_node_registering_twice_is_accepted_again_with_the_same_tasks()
    {
        var orchestrator = StartOrchestrator();
        Join(orchestrator, _node1, "node-1");
        Join(orchestrator, _node1, "node-1"); // a retried registration (handshake timeout) is deduplicated
        Join(orchestrator, _node2, "node-2");
        _node1.Send(orchestrator, new NodeReady("node-1", 2, 0, 0));
        _node2.Send(orchestrator, new NodeReady("node-2", 2, 0, 0));
        ParkAndRelease(orchestrator);
        _state.Counter = 4;
        ReportAll(orchestrator, 0, 1, 2, 3);

        var outcome = await Outcome();

        Assert.Equal(Verdict.Verified, outcome.Verdict);
        Assert.Equal(2, _observer.Count("NodeJoined"));
    }

    [Fact]
    public async Task A_node_clock_that_jumps_between_loops_is_named_and_its_next_loop_is_moved_by_the_new_offset()
    {
        var orchestrator = StartOrchestrator(_settings with { Loops = 2 });
        Join(orchestrator, _node1, "node-1");
        Join(orchestrator, _node2, "node-2");
        // node-2's clock runs 300 ms behind the orchestrator's (offset +300 ms, +/- 0.2 ms).
        _node1.Send(orchestrator, new NodeReady("node-1", 2, 0, 100));
        _node2.Send(orchestrator, new NodeReady("node-2", 2, 300_000, 200));
        var now = WireClock.NowUs();
        for (var loop = 1; loop <= 2; loop++)
        {
            var (prepare1, prepare2) = (_node1.ExpectMsg<PrepareLoop>(Wait), _node2.ExpectMsg<PrepareLoop>(Wait));
            Assert.Equal((loop, loop), (prepare1.Loop, prepare2.Loop));
            // Before loop 2, node-2's clock was stepped 1 s forward: its offset is now -700 ms.
            var offset2 = loop == 1 ? 300_000 : -700_000;
            _node1.Send(orchestrator, Ready(prepare1, "node-1"));
            _node2.Send(orchestrator, Ready(prepare2, "node-2", offset2));
            var release1 = _node1.ExpectMsg<Release>(Wait);
            var release2 = _node2.ExpectMsg<Release>(Wait);
            // Each node is told the instant on its own clock.
            Assert.Equal(release1.ReleaseAtUs, release2.ReleaseAtUs);
            Assert.Equal(release1.ReleaseAtUs, release1.NodeReleaseAtUs);
            Assert.InRange(release2.ReleaseAtUs - offset2 - release2.NodeReleaseAtUs, -ExchangeSlackUs, ExchangeSlackUs);
            _state.Counter = 4;
            // Every task truly resumes at the same instant T, 100 µs apart in turn on the lock; node-2 writes its
            // instants in its own clock (T - offset).
            var t = now + loop * 1_000_000L;
            for (var i = 0; i < 4; i++)
            {
                var (node, id, offset) = i < 2 ? (_node1, "node-1", 0L) : (_node2, "node-2", (long)offset2);
                var at = t - offset;
                node.Send(orchestrator, new TaskReport(loop, $"task-{i + 1}", id, TaskOutcome.Committed, i, i + 1,
                    new TaskPhases(at - 500, at, at, at + 100 * i, at + 100 * i + 10, at + 100 * i + 20, at + 100 * i + 100), TaskFailure.None, null));
            }
        }

        var outcome = await Outcome();

        Assert.Equal(Verdict.Verified, outcome.Verdict);
        var step = Assert.Single(outcome.Steps);
        Assert.Equal(("node-2", 2), (step.Node, step.Loop));
        Assert.InRange(step.StepMs, 1000.0 - step.UncertaintyMs, 1000.0 + step.UncertaintyMs);
        Assert.InRange(step.UncertaintyMs, 0.0, 2.0 * ExchangeSlackUs / 1000); // both measurements' (a test's round trips)
        Assert.Equal(1, _observer.Count("ClockStepped"));
        Assert.All(outcome.Loops, loop =>
        {
            // Every instant of node-2 is moved by its measured offset: what is left is that measurement's error.
            var errorMs = loop.ClockOf("node-2").UncertaintyUs / 1000.0;
            Assert.InRange(loop.Timings.ReleaseSpreadMs.Max, 0, errorMs);
            Assert.InRange(loop.Timings.FirstResumeSpreadMs, 0, errorMs);
            Assert.InRange(loop.Timings.CriticalSectionsPerSecond, 4 / (400e-6 + 2 * errorMs / 1000), 4 / Math.Max(1e-6, 400e-6 - 2 * errorMs / 1000));
        });
        Assert.InRange(outcome.Loops[1].ClockOf("node-2").OffsetUs, -700_000 - ExchangeSlackUs, -700_000 + ExchangeSlackUs);
    }

    /// <summary>A node this orchestrator started exits (its launcher reports it): the node is lost.</summary>
    private void NodeExits(IActorRef orchestrator, string nodeId)
    {
        Sys.Stop((nodeId == "node-1" ? _node1 : _node2).Ref);
        orchestrator.Tell(new NodeLauncher.NodeExited(nodeId, 4242, 137, null));
    }

    /// <summary>
    /// How far a clock measured from one PrepareLoop and its TasksReady may be off in these specs: half the time between
    /// the orchestrator's send and its receipt, which in-process messaging keeps far below this.
    /// </summary>
    private const long ExchangeSlackUs = 50_000;

    /// <summary>
    /// A node's TasksReady for <paramref name="prepare"/>, sent at once by a node whose clock is <paramref name="offsetUs"/>
    /// behind the orchestrator's: the orchestrator measures that offset from it.
    /// </summary>
    private static TasksReady Ready(PrepareLoop prepare, string nodeId, long offsetUs = 0)
    {
        var nodeNow = WireClock.NowUs() - offsetUs;
        return new TasksReady(prepare.Loop, nodeId, nodeNow, nodeNow, 0);
    }

    /// <summary>Starts no process: records what it was asked to start and reports every node gone when told to stop.</summary>
    private sealed class FakeLauncher : ReceiveActor
    {
        public FakeLauncher(IActorRef watcher)
        {
            Receive<NodeLauncher.StartNodes>(start => watcher.Tell(start));
            Receive<NodeLauncher.StopNodes>(_ => Sender.Tell(new NodeLauncher.AllNodesExited(0)));
        }
    }

    /// <summary>An in-memory counter the test sets, judged as the SQLite counter is; records the loops it was reset for.</summary>
    private sealed class FakeState : Scenario
    {
        private long _counter;
        private readonly List<int> _prepared = new();

        /// <summary>Open: the outcome is read at once; reset, a read waits until it is set again (at most 10 s).</summary>
        public ManualResetEventSlim Reading { get; } = new(true);

        /// <summary>Set once an outcome begins to be read.</summary>
        public ManualResetEventSlim ReadStarted { get; } = new(false);

        public long Counter
        {
            get => Interlocked.Read(ref _counter);
            set => Interlocked.Exchange(ref _counter, value);
        }

        public IReadOnlyList<int> PreparedLoops
        {
            get { lock (_prepared) return _prepared.ToList(); }
        }

        /// <summary>A loop whose reset fails (0: none).</summary>
        public int FailingReset { get; set; }

        public override void BeforeTasks(LoopContext context)
        {
            if (context.Loop == FailingReset) throw new IOException("disk I/O error");
            lock (_prepared) _prepared.Add(context.Loop);
        }

        public override IScenarioTask CreateTask(TaskContext context) => throw new NotSupportedException("no tasks in the orchestrator");

        public override ScenarioOutcome AfterTasks(LoopContext context)
        {
            ReadStarted.Set();
            Reading.Wait(TimeSpan.FromSeconds(10));
            return new($"counter = {Counter}", Counter);
        }

        public override ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results) =>
            Scenarios.SqliteCounter.CounterScenario.Judge(context.Run.Tasks, outcome.Value, results);
    }
}
