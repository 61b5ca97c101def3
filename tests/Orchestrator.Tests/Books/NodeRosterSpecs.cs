using ActorRunner.Messages;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Releasing;
using ActorRunner.Orchestrator.Reporting;
using Akka.Actor;

namespace ActorRunner.Orchestrator.Tests.Books;

public sealed class NodeRosterSpecs
{
    private const string RunId = "run-roster";
    private const string Token = "token-roster";

    private static readonly IReadOnlyList<IReadOnlyList<string>> FourSlots =
        [["task-1", "task-2"], ["task-3", "task-4"], ["task-5"], ["task-6"]];

    /// <summary>Two local nodes, one remote node started on host-a, one remote slot left for a node joining by hand.</summary>
    private static NodeRoster Roster() => new(FourSlots, localNodes: 2, launchHosts: ["host-a"]);

    private static RegisterNode Register(string nodeId, string runId = RunId, string token = Token, int version = Protocol.Version) =>
        new(runId, token, nodeId, 4000, "host-" + nodeId, version);

    private static Admission Admit(NodeRoster roster, string nodeId, IActorRef sender, double joinMs = 1.5) =>
        roster.Admit(Register(nodeId), sender, RunId, Token, joinMs);

    [Fact]
    public void The_plan_places_local_nodes_then_started_remote_ones_each_with_its_slot_and_first_task_index()
    {
        var roster = Roster();

        Assert.Equal(["node-1", "node-2", "node-3"], roster.All.Select(n => n.Id));
        Assert.Equal([0, 2, 4], roster.All.Select(n => n.FirstTaskIndex));
        Assert.Equal(["task-5"], roster.Find("node-3")!.TaskIds);
        Assert.Equal([true, true, false], roster.All.Select(n => n.Local));
        Assert.Equal("host-a", roster.Find("node-3")!.LaunchedOn);
        Assert.Equal(["node-1", "node-2", "node-3"], roster.Launched.Select(n => n.Id));
        Assert.Equal(1, roster.OpenSlots);
        Assert.Empty(roster.Live);
    }

    [Fact]
    public void A_planned_node_is_admitted_once_and_the_same_actor_again_without_registering_twice()
    {
        var roster = Roster();
        var node1 = new RecordingRef("node-1");

        var first = Admit(roster, "node-1", node1, joinMs: 12.5);
        var again = Admit(roster, "node-1", node1, joinMs: 99);

        Assert.True(first.First);
        Assert.Null(first.Refusal);
        Assert.False(again.First);
        Assert.Same(first.Node, again.Node);
        var node = roster.Find("node-1")!;
        Assert.Equal(12.5, node.JoinMs);
        Assert.Equal(4000, node.Pid);
        Assert.Equal("host-node-1", node.Host);
        Assert.Same(node, roster.Find(node1));
        Assert.Equal(["node-1"], roster.Live.Select(n => n.Id));
    }

    [Fact]
    public void Strangers_are_refused_naming_why()
    {
        var roster = Roster();
        var sender = new RecordingRef("stranger");
        Admit(roster, "node-1", new RecordingRef("node-1"));

        var refusals = new[]
        {
            roster.Admit(Register("node-2", token: "wrong"), sender, RunId, Token, 0),
            roster.Admit(Register("node-2", version: Protocol.Version + 1), sender, RunId, Token, 0),
            roster.Admit(Register("node-2", runId: "another-run"), sender, RunId, Token, 0),
            roster.Admit(Register("node-1"), sender, RunId, Token, 0),
        };

        Assert.All(refusals, r => Assert.Null(r.Node));
        Assert.Equal("wrong token", refusals[0].Refusal);
        Assert.Contains($"protocol version {Protocol.Version + 1}", refusals[1].Refusal);
        Assert.Contains("another-run", refusals[2].Refusal);
        Assert.Equal("node id node-1 is taken", refusals[3].Refusal);
        Assert.Null(roster.Find(sender));
        Assert.Null(roster.Find("node-2")!.Ref);
    }

    [Fact]
    public void A_node_joining_by_hand_takes_the_open_slot_and_the_next_one_is_refused()
    {
        var roster = Roster();

        var joined = Admit(roster, "far-node", new RecordingRef("far-node"));
        var refused = Admit(roster, "farther-node", new RecordingRef("farther-node"));

        Assert.Equal(["task-6"], joined.Node!.TaskIds);
        Assert.Equal(5, joined.Node.FirstTaskIndex);
        Assert.False(joined.Node.Local);
        Assert.False(joined.Node.Launched);
        Assert.True(joined.Node.WatchedRemotely);
        Assert.False(roster.Find("node-3")!.WatchedRemotely);
        Assert.Equal("the run expects no more nodes", refused.Refusal);
        Assert.Equal(0, roster.OpenSlots);
        Assert.Equal(["node-1", "node-2", "node-3", "far-node"], roster.All.Select(n => n.Id));
    }

    [Fact]
    public void Who_did_not_join_names_each_node_by_how_far_it_came_and_the_open_slots()
    {
        var roster = Roster();
        Admit(roster, "node-1", new RecordingRef("node-1"));
        Admit(roster, "node-2", new RecordingRef("node-2"));
        roster.Find("node-1")!.ReadyWith(new NodeReady("node-1", 2, 0, 0), 100);

        Assert.Equal(1, roster.ReadyCount);
        Assert.Equal(
            ["node-2 (registered, not set up)", "node-3 (never registered)", "1 of 2 remote nodes (came: node-3@)"],
            roster.NotJoined());
    }

    [Fact]
    public void A_node_is_lost_once_the_first_reason_standing_and_is_no_longer_live()
    {
        var roster = Roster();
        Admit(roster, "node-1", new RecordingRef("node-1"));
        var node = roster.Find("node-1")!;

        Assert.False(roster.AnyLost);
        Assert.True(node.Lose("exited with code 137"));
        Assert.False(node.Lose("unreachable"));

        Assert.Equal("exited with code 137", node.Lost);
        Assert.True(roster.AnyLost);
        Assert.Empty(roster.Live);
    }

    [Fact]
    public void A_loop_uses_the_clock_measured_for_it_and_a_new_loop_falls_back_to_the_best_known()
    {
        var roster = Roster();
        var node = roster.Find("node-2")!;
        node.ReadyWith(new NodeReady("node-2", 2, ClockOffsetUs: 5_000, ClockUncertaintyUs: 100), nowUs: 1_000_000);

        // A wider measurement that agrees: used for the loop, what is known stays the narrower one.
        var wider = node.Measured(new NodeClock(5_200, 400), nowUs: 1_000_000, loop: 1);

        Assert.Null(wider.Step);
        Assert.Equal(new NodeClock(5_000, 100), wider.Used);
        Assert.Equal(new NodeClock(5_000, 100), roster.ClockOf("node-2"));
        Assert.Equal(NodeClock.Same, roster.ClockOf("node-1"));
        Assert.Equal(NodeClock.Same, roster.ClockOf("no-such-node"));

        // A narrower one replaces what is known.
        var narrower = node.Measured(new NodeClock(5_050, 20), nowUs: 2_000_000, loop: 2);
        Assert.Equal(new NodeClock(5_050, 20), narrower.Used);
        Assert.Equal(new NodeClock(5_000, 150), narrower.Known); // aged by a second at 50 ppm
        Assert.Equal(new NodeClock(5_050, 20), node.Clock);

        roster.NewLoop();
        Assert.Null(node.LoopClock);
        Assert.Equal(new NodeClock(5_050, 20), roster.Clocks()["node-2"]);
        Assert.Equal(3, roster.Clocks().Count);
    }

    [Fact]
    public void A_clock_that_jumps_beyond_both_uncertainties_is_a_step_and_its_new_offset_stands()
    {
        var node = Roster().Find("node-1")!;
        node.ReadyWith(new NodeReady("node-1", 2, ClockOffsetUs: 300_000, ClockUncertaintyUs: 200), nowUs: 0);

        var measured = node.Measured(new NodeClock(-700_000, 300), nowUs: 0, loop: 4);

        var step = Assert.IsType<ClockStep>(measured.Step);
        Assert.Equal(("node-1", 4, 1000.0, 0.5), (step.Node, step.Loop, step.StepMs, step.UncertaintyMs));
        Assert.Equal(new NodeClock(-700_000, 300), measured.Used);
        Assert.Equal(new NodeClock(-700_000, 300), node.Clock);
        Assert.Equal(new NodeClock(-700_000, 300), node.ClockThisLoop);
    }

    [Fact]
    public void A_prepare_carries_the_nodes_release_wait_and_its_send_instant_is_kept_for_the_clock_probe()
    {
        var node = Roster().Find("node-1")!;
        node.ReleaseWait = ReleaseWait.Spin;

        var prepare = node.Prepare(7, nowUs: 123_456);

        Assert.Equal(new PrepareLoop(7, ReleaseWait.Spin, 123_456), prepare);
        Assert.Equal(123_456, node.PrepareSentUs);
    }

    [Fact]
    public void The_records_list_local_nodes_first_then_remote_ones_by_id_with_what_was_learnt()
    {
        var roster = Roster();
        Admit(roster, "a-far-node", new RecordingRef("a-far-node"));
        var node2 = roster.Find("node-2")!;
        Admit(roster, "node-2", new RecordingRef("node-2"), joinMs: 3.14159);
        node2.ReadyWith(new NodeReady("node-2", 2, 42, 7, Cores: 8, Machine: "m"), 0);
        node2.ExitCode = 0;

        var records = roster.Records();

        Assert.Equal(["node-1", "node-2", "a-far-node", "node-3"], records.Select(r => r.Id));
        var record = records[1];
        Assert.Equal((4000, "host-node-2", 3.1, 0, 42L, 7L, 8), (record.Pid, record.Host, record.JoinMs, record.ExitCode, record.ClockOffsetUs, record.ClockUncertaintyUs, record.Cores));
        Assert.Equal(["node-1", "node-2", "node-3", "a-far-node"], roster.Shapes().Select(s => s.NodeId));
        Assert.Equal(8, roster.Shapes()[1].Cores);
    }

    /// <summary>An actor reference no actor system stands behind: equal only to itself (by path).</summary>
    [Fact]
    public void Each_node_is_accepted_on_the_run_s_terms_with_its_own_id_and_tasks()
    {
        var roster = Roster();
        var terms = SettingsLoader.Load([]).Settings.NodeTerms(RunId, "/run/counter.lock", "/run/counter.db");

        var accepted = roster.Find("node-2")!.Accepted(terms);

        Assert.Equal(("node-2", 2, RunId, "/run/counter.lock"), (accepted.NodeId, accepted.FirstTaskIndex, accepted.RunId, accepted.LockFile));
        Assert.Equal(["task-3", "task-4"], accepted.TaskIds);
        Assert.Equal(terms with { NodeId = "node-2", FirstTaskIndex = 2, TaskIds = accepted.TaskIds }, accepted);
    }

    [Fact]
    public void The_nodes_no_one_can_tell_to_shut_down_are_the_launched_ones_not_live()
    {
        var roster = Roster();
        Assert.Equal(["node-1", "node-2", "node-3"], roster.Untold());

        Admit(roster, "node-1", new RecordingRef("node-1"));
        Admit(roster, "node-3", new RecordingRef("node-3"));
        Assert.Equal(["node-2"], roster.Untold());

        roster.Find("node-3")!.Lose("exited with code 137");
        Assert.Equal(["node-2", "node-3"], roster.Untold());
    }

    [Fact]
    public void Release_waits_are_chosen_for_every_node_from_their_shapes()
    {
        var roster = Roster();
        roster.Find("node-1")!.ReadyWith(new NodeReady("node-1", 2, 0, 0, Cores: 2, Machine: "m1"), 100);

        var nodes = roster.ChooseReleaseWaits(ReleaseWaitChoice.Wake).ToList();

        Assert.Equal(["node-1", "node-2", "node-3"], nodes.Select(n => n.Id));
        Assert.All(nodes, n => Assert.Equal(ReleaseWait.Wake, n.ReleaseWait));
        Assert.All(roster.ChooseReleaseWaits(ReleaseWaitChoice.Spin), n => Assert.Equal(ReleaseWait.Spin, n.ReleaseWait));
    }
}
