using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using Akka.Event;

namespace ActorRunner.Orchestrator.Tests.Actors;

/// <summary>Three tasks: two on node-1, started by the orchestrator, one on a remote node that joins by hand.</summary>
public sealed class NodeJoinsSpecs
{
    private const string RunId = "run-joins";

    private readonly StepsFixture _run = new(
        StepsFixture.Layout(tasks: 3, nodes: 1, tasksPerNode: 2, remoteNodes: 1) with { JoinTimeout = TimeSpan.FromSeconds(3) }, RunId);

    private readonly NodeJoins _joins;

    public NodeJoinsSpecs() =>
        _joins = new NodeJoins(_run.Settings, _run.Run, _run.Books, _run.Post, _run.Observer, _run.RunLog, _run.Log, WireClock.NowUs());

    private RegisterNode Register(string nodeId, string? token = null) => _run.Register(nodeId, token);

    [Fact]
    public void The_run_starts_announced_on_the_timeline_and_in_the_log_and_names_only_the_nodes_it_starts_itself()
    {
        var launches = _joins.Start("akka.tcp://orchestrator@127.0.0.1:4711");

        Assert.Equal(["node-1"], launches.Select(l => l.NodeId));
        Assert.Contains("akka.tcp://orchestrator@127.0.0.1:4711", launches[0].Arguments);
        Assert.Equal([("RunStarting", "akka.tcp://orchestrator@127.0.0.1:4711")], _run.Observer.Calls);
        Assert.Equal(("run-started", "akka.tcp://orchestrator@127.0.0.1:4711"), (_run.Timeline.Events[0].Event, _run.Timeline.Events[0].Detail));
        Assert.StartsWith("Run {RunId} starts:", Assert.Single(_run.Log.Events).Template);
    }

    [Fact]
    public void A_planned_node_is_accepted_with_its_tasks_once_logged_and_not_watched_and_accepted_again_when_it_retries()
    {
        var node = new RecordingRef("node-1");

        var watch = _joins.Register(Register("node-1"), node);
        var again = _joins.Register(Register("node-1"), node);

        Assert.False(watch || again, "the orchestrator watches the process of a node it started, not its association");
        var accepted = node.Told.Cast<NodeAccepted>().ToList();
        Assert.Equal(2, accepted.Count);
        Assert.All(accepted, a => Assert.Equal(("node-1", RunId, "task-1,task-2"), (a.NodeId, a.RunId, string.Join(",", a.TaskIds))));
        var registered = _run.Log.Single("Node {Node} registered from {Address} (pid {Pid}) with {Tasks} tasks");
        Assert.Equal<object?>(["node-1", node.Path.Address, 4242, 2], registered.Args);
        Assert.Equal(["received", "sent", "received", "sent"], _run.Timeline.Events.Select(e => e.Event));
    }

    [Fact]
    public void A_node_that_joins_by_hand_takes_the_open_slot_and_is_watched_the_first_time_only()
    {
        var remote = new RecordingRef("far-node");

        Assert.True(_joins.Register(Register("far-node"), remote));
        Assert.False(_joins.Register(Register("far-node"), remote));

        Assert.Equal(["task-3"], ((NodeAccepted)remote.Told[0]).TaskIds);
    }

    [Fact]
    public void A_node_with_the_wrong_token_is_refused_with_the_reason_and_told_so_off_the_timeline()
    {
        var stranger = new RecordingRef("node-1");

        Assert.False(_joins.Register(Register("node-1", token: "guess"), stranger));

        Assert.Equal(new NodeRejected("node-1", "wrong token"), Assert.Single(stranger.Told));
        var refused = _run.Log.Single("Refused node {Node} from {Address} (pid {Pid}): {Reason}");
        Assert.Equal((LogLevel.WarningLevel, "wrong token"), (refused.Level, refused.Args[3]));
        Assert.Equal(["received"], _run.Timeline.Events.Select(e => e.Event));
        Assert.Null(_run.Books.Roster.Find("node-1")!.Ref);
    }

    [Fact]
    public void The_run_goes_on_once_every_node_is_ready_and_a_second_word_from_a_node_counts_once()
    {
        _joins.Register(Register("node-1"), new RecordingRef("node-1"));
        _joins.Register(Register("far-node"), new RecordingRef("far-node"));

        Assert.False(_joins.Ready(new NodeReady("node-1", 2, 0, 0, Cores: 2)));
        Assert.False(_joins.Ready(new NodeReady("node-1", 2, 0, 0, Cores: 2)));
        Assert.False(_joins.Ready(new NodeReady("node-9", 1, 0, 0)));
        Assert.True(_joins.Ready(new NodeReady("far-node", 1, 0, 0, Cores: 2)));

        Assert.Equal(["node-1 1/2", "far-node 2/2"], _run.Observer.Calls.Where(c => c.Call == "NodeJoined").Select(c => c.Detail));
        Assert.Equal(2, _run.Log.Events.Count(e => e.Template == "Node {Node} is ready with {Tasks} tasks ({ReadyNodes} of {TotalNodes})"));
    }

    [Fact]
    public void All_nodes_ready_keeps_the_start_up_time_and_tells_how_each_node_waits_for_the_release()
    {
        _joins.Register(Register("node-1"), new RecordingRef("node-1"));
        _joins.Register(Register("far-node"), new RecordingRef("far-node"));
        _joins.Ready(new NodeReady("node-1", 2, 0, 0, Cores: 2));
        _joins.Ready(new NodeReady("far-node", 1, 0, 0, Cores: 2));

        _joins.AllReady();

        Assert.True(_run.Books.Course.StartupMs > 0, "counted from the orchestrator's process start");
        var all = _run.Log.Single("All {TotalNodes} nodes ready {StartupMs} ms after the orchestrator started");
        Assert.Equal<object?>([2, Math.Round(_run.Books.Course.StartupMs, 1)], all.Args);
        Assert.Equal(["node-1", "far-node"], _run.Log.Events.Where(e => e.Template.Contains("waits for the release by")).Select(e => e.Args[0]));
    }

    [Fact]
    public void A_join_that_times_out_names_every_node_missing_and_a_failed_set_up_names_its_node()
    {
        _joins.Register(Register("node-1"), new RecordingRef("node-1"));

        Assert.Equal("not every node joined within 3.05 s: missing node-1 (registered, not set up); 1 of 1 remote nodes (came: none)", _joins.TimedOut());
        Assert.Equal("node node-1 could not set up: no such scenario", NodeJoins.SetUpFailed(new NodeFailed("node-1", "no such scenario")));
    }

    [Fact]
    public void Once_the_run_has_started_a_stranger_is_refused_and_a_node_of_the_run_retrying_is_left_alone()
    {
        var node = new RecordingRef("node-1");
        _joins.Register(Register("node-1"), node);
        var stranger = new RecordingRef("late-node");

        _joins.RegisterLate(Register("late-node"), stranger);
        _joins.RegisterLate(Register("node-1"), node);

        Assert.Equal(new NodeRejected("late-node", "the run has started"), Assert.Single(stranger.Told));
        Assert.Single(node.Told);
        Assert.Equal<object?>(["late-node", stranger.Path.Address], _run.Log.Single("Refused node {Node} from {Address}: the run has started").Args);
    }
}
