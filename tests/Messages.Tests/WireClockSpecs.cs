namespace ActorRunner.Messages.Tests;

public sealed class WireClockSpecs
{
    [Fact]
    public void One_exchange_gives_the_offset_and_half_the_time_on_the_wire_as_its_uncertainty()
    {
        // The node's clock is 500 ms behind; 300 us out, 200 us at the node, 500 us back (the asymmetry, 100 us, is within the uncertainty).
        const long offset = 500_000;
        var measured = WireClock.Exchange(1_000_000, 1_000_500 - offset, 1_001_000, 200);
        Assert.Equal((offset + 100, 400L), measured);
    }

    [Theory]
    [InlineData(1_000_000)]
    [InlineData(-1_000_000)]
    [InlineData(700)]
    public void A_node_clock_stepped_while_the_exchange_was_under_way_is_measured_whole_as_it_stands_at_the_answer(long stepUs)
    {
        // 200 us at the node by its monotonic clock; its real-time clock, in step with the orchestrator's before, was
        // moved by the step in between: the answer's reading carries the step, the node's time in between does not.
        var measured = WireClock.Exchange(1_000_000, 1_000_500 + stepUs, 1_001_000, 200);
        Assert.Equal((100 - stepUs, 400L), measured);
    }

    [Fact]
    public void An_orchestrator_clock_stepped_back_while_the_exchange_was_under_way_gives_no_measurement()
    {
        Assert.Null(WireClock.Exchange(1_000_000, 1_000_500, 1_001_000 - 1_000_000, 200));
    }

    [Fact]
    public void A_node_time_longer_than_the_round_trip_gives_no_measurement()
    {
        Assert.Null(WireClock.Exchange(1_000_000, 1_000_500, 1_001_000, 1_001));
        Assert.Null(WireClock.Exchange(1_000_000, 1_000_500, 1_001_000, -1));
    }

    [Fact]
    public void A_node_that_answers_at_once_leaves_the_whole_round_trip_as_uncertainty()
    {
        Assert.Equal((0L, 500L), WireClock.Exchange(1_000_000, 1_000_500, 1_001_000, 0));
    }
}
