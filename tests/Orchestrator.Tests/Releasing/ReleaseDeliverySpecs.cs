using ActorRunner.Messages;
using ActorRunner.Orchestrator.Releasing;
using ActorRunner.Orchestrator.Reporting;

namespace ActorRunner.Orchestrator.Tests.Releasing;

public sealed class ReleaseDeliverySpecs
{
    private const long SentUs = 1_000_000, AtUs = 1_010_000;

    private static TaskReport Report(string node, string task, long releaseReceivedUs) =>
        new(1, task, node, TaskOutcome.Committed, 0, 1, new TaskPhases(1, 2, 3, 4, 5, 6, 7, ReleaseReceivedUs: releaseReceivedUs), TaskFailure.None, null);

    private static readonly Dictionary<string, NodeClock> Clocks = new()
    {
        ["node-1"] = NodeClock.Same,
        // Its clock runs 5 ms behind the orchestrator's (well beyond its uncertainty).
        ["node-2"] = new NodeClock(5_000, 100),
    };

    private static NodeClock? ClockOf(string node) => Clocks.TryGetValue(node, out var clock) ? clock : null;

    [Fact]
    public void Each_nodes_delivery_is_read_on_the_orchestrators_clock_and_a_node_that_had_it_after_its_instant_is_late()
    {
        var delivery = ReleaseDelivery.Of(
            [Report("node-1", "task-1", SentUs + 2_000), Report("node-1", "task-2", SentUs + 2_000), Report("node-2", "task-3", SentUs + 8_000)],
            ClockOf, SentUs, AtUs);

        // node-2 stamped 8 ms after the send on its clock: 13 ms on the orchestrator's, 3 ms after the 10 ms lead.
        Assert.NotNull(delivery);
        Assert.Equal((13_000L, 10_000L), (delivery.SlowestUs, delivery.LeadUs));
        Assert.Equal([("node-2", 3_000L)], delivery.Late);
    }

    [Fact]
    public void A_delivery_within_the_lead_is_not_late_and_a_node_not_known_counts_as_delivered_at_once()
    {
        var delivery = ReleaseDelivery.Of([Report("node-1", "task-1", SentUs + 4_000), Report("node-9", "task-9", SentUs + 50_000)], ClockOf, SentUs, AtUs);

        Assert.NotNull(delivery);
        Assert.Equal(4_000, delivery.SlowestUs);
        Assert.Empty(delivery.Late);
    }

    [Fact]
    public void Nothing_released_or_no_report_saying_when_the_release_came_measures_nothing()
    {
        Assert.Null(ReleaseDelivery.Of([Report("node-1", "task-1", SentUs + 2_000)], ClockOf, releaseSentUs: 0, releaseAtUs: 0));
        Assert.Null(ReleaseDelivery.Of([Report("node-1", "task-1", releaseReceivedUs: 0)], ClockOf, SentUs, AtUs));
    }
}
