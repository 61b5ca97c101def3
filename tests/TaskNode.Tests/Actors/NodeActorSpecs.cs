using ActorRunner.Tests.Shared;
using ActorRunner.Messages;
using ActorRunner.Scenarios;
using ActorRunner.Scenarios.SqliteCounter;
using ActorRunner.TaskNode.Actors;
using ActorRunner.TaskNode.Hosting;
using ActorRunner.TaskNode.Tasks;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorRunner.TaskNode.Tests.Actors;

/// <summary>
/// The node actor in each of its states, with a probe as its orchestrator (reached at the orchestrator's path, as a
/// node reaches the real one) and real tasks: the SQLite counter under a real file lock in a temporary folder.
/// </summary>
public sealed class NodeActorSpecs : TestKit
{
    private const string RunId = "run-node-specs";
    private const string Token = "token-node-specs";
    private const string NodeId = "node-1";
    private static readonly string[] TaskIds = ["task-1", "task-2"];

    /// <summary>How long any one step may take: set-up opens real connections on a shared machine.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>How far a clock measured from in-process round trips may be off in these specs (µs).</summary>
    private const long ClockSlackUs = 50_000;

    private readonly string _folder = Directory.CreateTempSubdirectory("node-actor-specs-").FullName;
    private readonly TestProbe _orchestrator;
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NodeActorSpecs()
    {
        _orchestrator = CreateTestProbe("orchestrator-probe");
        // What the node addresses as the orchestrator: everything it sends there goes to the probe, its sender kept.
        Sys.ActorOf(Props.Create(() => new Forwarder(_orchestrator.Ref)), Protocol.OrchestratorActorName);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Directory.Delete(_folder, recursive: true);
    }

    private string DbPath => Path.Combine(_folder, "counter.db");

    private NodeCommandLine Options(bool watchStdin = true, TimeSpan? joinTimeout = null) =>
        new(((ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString(), Token, RunId, NodeId, "127.0.0.1", null,
            joinTimeout ?? Wait, LogFile: null, "info", watchStdin);

    private IActorRef StartNode(NodeCommandLine? options = null) =>
        Sys.ActorOf(NodeActor.Props(options ?? Options(), new RunIdEnricher(""), NullLoggerFactory.Instance, _exit), Protocol.NodeActorName);

    private NodeAccepted Accepted(string scenario = CounterScenario.Name, bool keepCpusAwake = false) =>
        new(RunId, NodeId, RunnerLock.File, "file", Path.Combine(_folder, "counter.lock"), DbPath, LockTimeoutMs: 5_000, LockHoldUs: 0,
            scenario, "", "sqlite", new Dictionary<string, string>(), TaskIds.Length, Loops: 3, FirstTaskIndex: 0, TaskIds, keepCpusAwake);

    private async Task<int> ExitCode() => await _exit.Task.WaitAsync(Wait);

    /// <summary>The counter scenario as the orchestrator runs it: the store made once, reset before each loop.</summary>
    private ScenarioRun CounterRun() =>
        new(RunId, CounterScenario.Name, TaskIds.Length, 3, new LockInfo("file", TimeSpan.FromSeconds(5), false), DbPath, ScenarioSection.Empty);

    private void ResetCounter(int loop)
    {
        var scenario = new CounterScenario();
        if (loop == 1) scenario.BeforeRun(new LoopContext(CounterRun(), 0, NullLogger.Instance));
        scenario.BeforeTasks(new LoopContext(CounterRun(), loop, NullLogger.Instance));
    }

    private long Counter() => new CounterScenario().AfterTasks(new LoopContext(CounterRun(), 0, NullLogger.Instance)).Value;

    /// <summary>
    /// Accepts the node's registration and answers its clock probes as an orchestrator whose clock is
    /// <paramref name="aheadUs"/> ahead of the node's; returns the node's NodeReady and how many probes it sent.
    /// </summary>
    private (NodeReady Ready, int Probes) Join(NodeAccepted? accepted = null, long aheadUs = 0)
    {
        _orchestrator.ExpectMsg<RegisterNode>(Wait);
        _orchestrator.Reply(accepted ?? Accepted());
        var probes = 0;
        while (true)
        {
            switch (_orchestrator.ExpectMsg<object>(Wait))
            {
                case ClockProbe probe:
                    probes++;
                    _orchestrator.Reply(new ClockProbeReply(probe.NodeSentUs, WireClock.NowUs() + aheadUs));
                    break;
                case NodeReady ready:
                    return (ready, probes);
                case RegisterNode:
                    break; // a registration sent before the acceptance arrived
                case var other:
                    throw new Xunit.Sdk.XunitException($"unexpected {other.GetType().Name} while the node sets up");
            }
        }
    }

    /// <summary>Tells the node to park its tasks for <paramref name="loop"/>; returns its TasksReady and the instants around it.</summary>
    private (TasksReady Ready, long BeforeUs, long AfterUs) Park(IActorRef node, int loop, ReleaseWait wait = ReleaseWait.Wake)
    {
        var before = WireClock.NowUs();
        _orchestrator.Send(node, new PrepareLoop(loop, wait, before));
        var ready = _orchestrator.ExpectMsg<TasksReady>(Wait);
        return (ready, before, WireClock.NowUs());
    }

    /// <summary>A node set up with a fresh counter, its tasks parked for loop 1.</summary>
    private IActorRef ParkedForTheFirstLoop()
    {
        ResetCounter(1);
        var node = StartNode();
        Join();
        Park(node, 1);
        return node;
    }

    private List<TaskReport> Reports() =>
        TaskIds.Select(_ => _orchestrator.ExpectMsg<TaskReport>(Wait)).OrderBy(r => r.TaskId, StringComparer.Ordinal).ToList();

    [Fact]
    public void A_joining_node_asks_to_register_naming_itself_and_asks_again_until_it_is_answered()
    {
        StartNode();

        var first = _orchestrator.ExpectMsg<RegisterNode>(Wait);
        var again = _orchestrator.ExpectMsg<RegisterNode>(Wait);

        Assert.Equal((RunId, Token, NodeId, Environment.ProcessId, "127.0.0.1", Protocol.Version),
            (first.RunId, first.Token, first.NodeId, first.Pid, first.Host, first.ProtocolVersion));
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task A_refused_node_exits_with_the_refused_code()
    {
        StartNode();
        _orchestrator.ExpectMsg<RegisterNode>(Wait);

        _orchestrator.Reply(new NodeRejected(NodeId, "wrong token"));

        Assert.Equal(NodeActor.ExitCodes.Refused, await ExitCode());
    }

    [Fact]
    public async Task A_node_nobody_accepts_exits_failed_after_its_join_timeout()
    {
        StartNode(Options(joinTimeout: TimeSpan.FromMilliseconds(300)));

        Assert.Equal(NodeActor.ExitCodes.Failed, await ExitCode());
        _orchestrator.ExpectMsg<RegisterNode>(Wait);
    }

    [Fact]
    public void Set_up_opens_every_task_measures_the_clock_against_the_orchestrator_and_says_the_node_is_ready()
    {
        ResetCounter(1);
        StartNode();

        // The orchestrator's clock runs 250 ms ahead of this node's.
        var (ready, probes) = Join(aheadUs: 250_000);

        Assert.True(probes > 1, $"the clock is measured over several round trips ({probes})");
        Assert.Equal((NodeId, TaskIds.Length, Environment.ProcessorCount, MachineIdentity.Current), (ready.NodeId, ready.Tasks, ready.Cores, ready.Machine));
        Assert.InRange(ready.ClockUncertaintyUs, 0, ClockSlackUs);
        Assert.InRange(ready.ClockOffsetUs, 250_000 - ready.ClockUncertaintyUs - 1, 250_000 + ready.ClockUncertaintyUs + 1);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_node_keeps_the_cpus_awake_from_its_acceptance_to_its_end_only_when_the_run_asks(bool keep)
    {
        var before = CpuLatencyRequests.OpenHere();
        ResetCounter(1);
        var node = StartNode();
        Join(Accepted(keepCpusAwake: keep));

        Assert.Equal(before + (keep ? 1 : 0), CpuLatencyRequests.OpenHere());
        if (keep) Assert.Equal(0, CpuLatencyRequests.Current());

        _orchestrator.Send(node, Messages.Shutdown.Instance);
        Assert.Equal(NodeActor.ExitCodes.Done, await ExitCode());
        Watch(node);
        Sys.Stop(node);
        ExpectTerminated(node, Wait);
        Assert.Equal(before, CpuLatencyRequests.OpenHere());
    }

    [Fact]
    public async Task A_set_up_that_fails_tells_the_orchestrator_why_and_exits_failed()
    {
        StartNode();
        _orchestrator.ExpectMsg<RegisterNode>(Wait);
        _orchestrator.Reply(Accepted(scenario: "no-such-scenario"));

        var failed = _orchestrator.FishForMessage<NodeFailed>(_ => true, Wait);

        Assert.Equal(NodeId, failed.NodeId);
        Assert.Contains("no-such-scenario", failed.Reason);
        Assert.Equal(NodeActor.ExitCodes.Failed, await ExitCode());
    }

    [Theory]
    [InlineData(ReleaseWait.Wake)]
    [InlineData(ReleaseWait.Spin)]
    public void A_prepared_loop_parks_every_task_then_the_release_lets_each_act_at_the_instant_with_the_nodes_instants_in_its_report(ReleaseWait wait)
    {
        ResetCounter(1);
        var node = StartNode();
        Join();

        var (ready, before, after) = Park(node, 1, wait);
        var at = WireClock.NowUs() + 20_000;
        _orchestrator.Send(node, new Release(1, at, at));
        var reports = Reports();

        // Both instants of the TasksReady are the node's (this machine's clock: the same as the spec's).
        Assert.Equal((1, NodeId), (ready.Loop, ready.NodeId));
        Assert.InRange(ready.PrepareReceivedUs, before, after);
        Assert.InRange(ready.ReadyAtUs, ready.PrepareReceivedUs, after);
        Assert.InRange(ready.ElapsedUs, 0, after - before + 1_000);
        Assert.Equal(TaskIds, reports.Select(r => r.TaskId));
        Assert.All(reports, r =>
        {
            Assert.Equal((1, NodeId, TaskOutcome.Committed, TaskFailure.None), (r.Loop, r.NodeId, r.Outcome, r.Failure));
            Assert.Equal(ready.PrepareReceivedUs, r.Phases.PrepareReceivedUs);
            Assert.True(r.Phases.ReleaseReceivedUs >= ready.ReadyAtUs, "the Release arrived after the tasks were parked");
            Assert.True(r.Phases.GateOpenedUs >= at, $"the gate opened {at - r.Phases.GateOpenedUs} us before the instant");
            Assert.True(r.Phases.ReleasedUs >= at, $"{r.TaskId} resumed {at - r.Phases.ReleasedUs} us before the instant");
        });
        Assert.Equal([0L, 1L], reports.Select(r => r.Observed).Order());
        Assert.Equal(2, Counter());
    }

    [Fact]
    public void A_release_for_a_loop_the_node_was_not_prepared_for_is_ignored_and_its_tasks_wait_for_their_own()
    {
        var node = ParkedForTheFirstLoop();

        EventFilter.Warning(contains: "got a release for loop 2 it was not prepared for")
            .ExpectOne(Wait, () => _orchestrator.Send(node, new Release(2, WireClock.NowUs(), WireClock.NowUs())));
        _orchestrator.Send(node, new Release(1, WireClock.NowUs(), WireClock.NowUs()));

        var reports = Reports();
        Assert.All(reports, r => Assert.Equal((1, TaskOutcome.Committed), (r.Loop, r.Outcome)));
        Assert.Equal(2, Counter());
    }

    [Fact]
    public void A_loop_called_off_before_its_release_has_every_parked_task_skip_it_and_the_next_loop_runs()
    {
        var node = ParkedForTheFirstLoop();

        // An abort for another loop changes nothing; the loop's own calls it off.
        _orchestrator.Send(node, new AbortLoop(7, "not this loop"));
        _orchestrator.Send(node, new AbortLoop(1, "node-2 exited with code 137"));
        var calledOff = Reports();

        Assert.All(calledOff, r =>
        {
            Assert.Equal((1, TaskOutcome.Failed, TaskFailure.CalledOff), (r.Loop, r.Outcome, r.Failure));
            Assert.Equal("loop called off before its release: node-2 exited with code 137", r.Error);
            Assert.Equal(0, r.Phases.ReleasedUs);
        });
        Assert.Equal(0, Counter());

        // The tasks are kept: loop 2 parks and acts as ever.
        ResetCounter(2);
        Park(node, 2);
        _orchestrator.Send(node, new Release(2, WireClock.NowUs(), WireClock.NowUs()));
        Assert.All(Reports(), r => Assert.Equal((2, TaskOutcome.Committed), (r.Loop, r.Outcome)));
        Assert.Equal(2, Counter());
    }

    [Fact]
    public async Task Told_the_run_is_over_the_node_exits_with_the_done_code()
    {
        var node = ParkedForTheFirstLoop();

        _orchestrator.Send(node, Messages.Shutdown.Instance);

        Assert.Equal(NodeActor.ExitCodes.Done, await ExitCode());
    }

    [Fact]
    public async Task A_node_told_to_shut_down_while_joining_exits_with_the_done_code()
    {
        var node = StartNode();
        _orchestrator.ExpectMsg<RegisterNode>(Wait);

        node.Tell(Messages.Shutdown.Instance);

        Assert.Equal(NodeActor.ExitCodes.Done, await ExitCode());
    }

    [Fact]
    public async Task A_node_started_by_hand_exits_failed_when_it_loses_the_orchestrator()
    {
        ResetCounter(1);
        StartNode(Options(watchStdin: false));
        Join();

        Sys.Stop(_orchestrator.Ref);

        Assert.Equal(NodeActor.ExitCodes.Failed, await ExitCode());
    }

    [Fact]
    public void A_message_that_does_not_belong_to_the_state_is_logged_and_ignored()
    {
        var node = StartNode();
        _orchestrator.ExpectMsg<RegisterNode>(Wait);

        EventFilter.Warning(contains: "ignored PrepareLoop").ExpectOne(Wait, () => node.Tell(new PrepareLoop(1)));

        Assert.False(_exit.Task.IsCompleted);
    }

    /// <summary>Stands at the orchestrator's path: passes every message on to <paramref name="target"/>, its sender kept.</summary>
    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef target) => ReceiveAny(message => target.Forward(message));
    }
}
