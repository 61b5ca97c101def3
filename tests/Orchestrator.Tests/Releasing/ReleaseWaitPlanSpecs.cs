using ActorRunner.Messages;
using ActorRunner.Orchestrator.Releasing;

namespace ActorRunner.Orchestrator.Tests.Releasing;

public sealed class ReleaseWaitPlanSpecs
{
    private static IReadOnlyDictionary<string, ReleaseWait> Auto(params NodeShape[] nodes) =>
        ReleaseWaitPlan.Choose(ReleaseWaitChoice.Auto, nodes);

    [Fact]
    public void Two_single_task_nodes_on_a_two_core_machine_spin()
    {
        var plan = Auto(new NodeShape("node-1", "m", 1, 2), new NodeShape("node-2", "m", 1, 2));
        Assert.All(plan.Values, wait => Assert.Equal(ReleaseWait.Spin, wait));
    }

    [Fact]
    public void Tasks_are_counted_per_machine_not_per_node()
    {
        // Each node alone fits the two cores; together they do not.
        var plan = Auto(new NodeShape("node-1", "m", 2, 2), new NodeShape("node-2", "m", 1, 2));
        Assert.All(plan.Values, wait => Assert.Equal(ReleaseWait.Wake, wait));
    }

    [Fact]
    public void Each_machine_is_judged_by_its_own_tasks_and_cores()
    {
        var plan = Auto(new NodeShape("node-1", "a", 50, 2), new NodeShape("node-2", "a", 50, 2),
            new NodeShape("node-3", "b", 4, 8), new NodeShape("node-4", "b", 4, 8));
        Assert.Equal(ReleaseWait.Wake, plan["node-1"]);
        Assert.Equal(ReleaseWait.Wake, plan["node-2"]);
        Assert.Equal(ReleaseWait.Spin, plan["node-3"]);
        Assert.Equal(ReleaseWait.Spin, plan["node-4"]);
    }

    [Fact]
    public void A_machine_counts_the_fewest_cores_any_of_its_nodes_may_use()
    {
        var plan = Auto(new NodeShape("node-1", "m", 1, 1), new NodeShape("node-2", "m", 1, 4));
        Assert.Equal(ReleaseWait.Wake, plan["node-1"]);
        Assert.Equal(ReleaseWait.Wake, plan["node-2"]);
    }

    [Fact]
    public void A_node_that_said_nothing_of_its_machine_or_cores_is_woken_alone()
    {
        var plan = Auto(new NodeShape("node-1", "", 1, 2), new NodeShape("node-2", "", 1, 0));
        Assert.Equal(ReleaseWait.Spin, plan["node-1"]);
        Assert.Equal(ReleaseWait.Wake, plan["node-2"]);
    }

    [Theory]
    [InlineData(ReleaseWaitChoice.Spin, ReleaseWait.Spin)]
    [InlineData(ReleaseWaitChoice.Wake, ReleaseWait.Wake)]
    public void A_forced_choice_holds_for_every_node_whatever_fits(ReleaseWaitChoice choice, ReleaseWait expected)
    {
        var plan = ReleaseWaitPlan.Choose(choice, [new NodeShape("node-1", "m", 1, 2), new NodeShape("node-2", "m", 100, 2)]);
        Assert.Equal(2, plan.Count);
        Assert.All(plan.Values, wait => Assert.Equal(expected, wait));
    }
}
