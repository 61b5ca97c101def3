using ActorRunner.Orchestrator.Books;

namespace ActorRunner.Orchestrator.Tests.Books;

public sealed class LoopPlanSpecs
{
    [Fact]
    public void A_count_alone_stops_after_its_last_loop()
    {
        var plan = new LoopPlan(3, TimeSpan.Zero);

        Assert.Null(plan.After(2, TimeSpan.FromDays(400)));
        Assert.Equal(StoppedBy.Loops, plan.After(3, TimeSpan.Zero));
        Assert.Equal("2/3", plan.Of(2));
    }

    [Fact]
    public void A_time_budget_stops_a_count_that_is_not_done()
    {
        var plan = new LoopPlan(1_000_000_000, TimeSpan.FromSeconds(30));

        Assert.Null(plan.After(10, TimeSpan.FromSeconds(29.9)));
        Assert.Equal(StoppedBy.Duration, plan.After(11, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void No_count_limit_goes_on_until_the_budget_and_at_the_latest_the_largest_loop_number()
    {
        var plan = new LoopPlan(0, TimeSpan.FromMinutes(1));

        Assert.False(plan.Counted);
        Assert.Null(plan.After(int.MaxValue - 1, TimeSpan.FromSeconds(1)));
        Assert.Equal(StoppedBy.Loops, plan.After(int.MaxValue, TimeSpan.FromSeconds(1)));
        Assert.Equal(StoppedBy.Duration, plan.After(5, TimeSpan.FromMinutes(1)));
        Assert.Equal("5", plan.Of(5));
    }

    [Fact]
    public void The_largest_count_stops_at_its_last_loop()
    {
        Assert.Equal(StoppedBy.Loops, new LoopPlan(int.MaxValue, TimeSpan.Zero).After(int.MaxValue, TimeSpan.Zero));
    }
}
