using ActorRunner.Messages;
using ActorRunner.Orchestrator.Books;

namespace ActorRunner.Orchestrator.Tests.Books;

public sealed class ParkingAheadSpecs
{
    private static readonly RosterNode Node1 = new("node-1", local: true, ["task-1", "task-2"], 0);
    private static readonly RosterNode Node2 = new("node-2", local: true, ["task-3"], 2);
    private static readonly RosterNode Node3 = new("node-3", local: true, ["task-4"], 3);

    private static TasksReady Ready(int loop, string node, long receivedUs = 0) => new(loop, node, receivedUs, receivedUs + 10, 10);

    [Fact]
    public void Each_node_is_told_once_to_park_ahead_and_the_first_prepare_marks_when_the_parking_began()
    {
        var ahead = new ParkingAhead();

        var first = ahead.Park(4, [Node1], nowUs: 1_000);
        var again = ahead.Park(4, [Node1, Node2], nowUs: 2_000);

        Assert.Equal(["node-1"], first.Select(n => n.Id));
        Assert.Equal(["node-2"], again.Select(n => n.Id));
        Assert.Equal((4, 1_000L), (ahead.Loop, ahead.SentUs));
        Assert.Equal(["node-1", "node-2"], ahead.Nodes.Order());
    }

    [Fact]
    public void After_a_release_the_next_loop_is_parked_unless_it_was_the_last()
    {
        var ahead = new ParkingAhead();

        Assert.Empty(ahead.ParkAfter(released: 5, lastLoop: 5, [Node1, Node2], nowUs: 1_000));
        Assert.Equal(0, ahead.Loop);

        Assert.Equal(["node-1", "node-2"], ahead.ParkAfter(released: 4, lastLoop: 5, [Node1, Node2], nowUs: 2_000).Select(n => n.Id));
        Assert.Equal((5, 2_000L), (ahead.Loop, ahead.SentUs));
    }

    [Fact]
    public void Only_a_TasksReady_of_the_loop_being_parked_is_awaited_and_kept()
    {
        var ahead = new ParkingAhead();
        Assert.False(ahead.Awaits(Ready(0, "node-1")), "nothing is parked ahead: not even loop 0 is awaited");

        ahead.Park(4, [Node1, Node2], 1_000);
        ahead.Keep(Ready(3, "node-1"), 1_100);
        ahead.Keep(Ready(4, "node-1"), 1_200);
        ahead.Keep(Ready(5, "node-2"), 1_300);

        Assert.True(ahead.Awaits(Ready(4, "node-2")));
        Assert.False(ahead.Awaits(Ready(3, "node-2")));
        Assert.False(ahead.Awaits(Ready(5, "node-2")));
        var start = ahead.Start(4, lastVerdictUs: 900, nowUs: 5_000);
        Assert.Equal([("node-1", 1_200L)], start.ReadyAhead.Select(r => (r.Ready.NodeId, r.ReceivedUs)));
    }

    [Fact]
    public void A_loop_parked_ahead_starts_at_its_first_prepare_or_the_last_verdict_whichever_came_later()
    {
        var before = new ParkingAhead();
        before.Park(2, [Node1], nowUs: 1_000);
        var after = new ParkingAhead();
        after.Park(2, [Node1], nowUs: 3_000);

        Assert.Equal(2_000, before.Start(2, lastVerdictUs: 2_000, nowUs: 9_000).StartUs);
        Assert.Equal(3_000, after.Start(2, lastVerdictUs: 2_000, nowUs: 9_000).StartUs);
    }

    [Fact]
    public void Starting_a_loop_takes_what_was_parked_for_it_out_of_the_books()
    {
        var ahead = new ParkingAhead();
        ahead.Park(2, [Node1, Node2], 1_000);
        ahead.Keep(Ready(2, "node-2"), 1_500);

        var start = ahead.Start(2, lastVerdictUs: 1_200, nowUs: 2_000);

        Assert.Equal(["node-1", "node-2"], start.ParkedNodes.Order());
        Assert.Single(start.ReadyAhead);
        Assert.Equal((0, 0L), (ahead.Loop, ahead.SentUs));
        Assert.Empty(ahead.Nodes);
        Assert.False(ahead.Awaits(Ready(2, "node-1")));
        var next = ahead.Start(3, lastVerdictUs: 2_500, nowUs: 3_000);
        Assert.Equal((3_000L, 0, 0), (next.StartUs, next.ParkedNodes.Count, next.ReadyAhead.Count));
    }

    [Fact]
    public void A_loop_nothing_was_parked_for_starts_now_with_every_node_to_tell()
    {
        var ahead = new ParkingAhead();
        ahead.Park(2, [Node1], 1_000);
        ahead.Keep(Ready(2, "node-1"), 1_100);

        // Loop 2 was parked ahead but loop 3 starts (not a course the run takes, but the books must not mix loops).
        var start = ahead.Start(3, lastVerdictUs: 1_500, nowUs: 4_000);

        Assert.Equal(4_000, start.StartUs);
        Assert.Empty(start.ParkedNodes);
        Assert.Empty(start.ReadyAhead);
    }

    [Fact]
    public void Parking_another_loop_starts_afresh_and_drops_what_was_kept_for_the_one_before()
    {
        var ahead = new ParkingAhead();
        ahead.Park(2, [Node1, Node2], 1_000);
        ahead.Keep(Ready(2, "node-1"), 1_100);

        var told = ahead.Park(3, [Node1], 5_000);

        Assert.Equal(["node-1"], told.Select(n => n.Id));
        Assert.Equal((3, 5_000L), (ahead.Loop, ahead.SentUs));
        Assert.Equal(["node-1"], ahead.Nodes);
        Assert.Empty(ahead.Start(3, 0, 6_000).ReadyAhead);
    }

    [Fact]
    public void A_node_parked_ahead_is_measured_against_the_prepare_sent_ahead_not_the_loop_start()
    {
        // As the orchestrator does it: the ahead PrepareLoop is the first half of the node's clock exchange for the
        // loop; the node is not told again when the loop starts, so its TasksReady answers the ahead one.
        var node = new RosterNode("node-9", local: true, ["task-9"], 0);
        var other = new RosterNode("node-8", local: true, ["task-8"], 1);
        var ahead = new ParkingAhead();
        foreach (var n in ahead.Park(2, [node], nowUs: 10_000)) n.Prepare(2, 10_000);

        var start = ahead.Start(2, lastVerdictUs: 50_000, nowUs: 60_000);
        foreach (var n in new[] { node, other }.Where(n => !start.ParkedNodes.Contains(n.Id))) n.Prepare(2, 60_000);

        Assert.Equal((10_000L, 60_000L), (node.PrepareSentUs, other.PrepareSentUs));
    }
}
