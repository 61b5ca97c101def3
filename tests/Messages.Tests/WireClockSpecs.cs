namespace ActorRunner.Messages.Tests;

public sealed class WireClockSpecs
{
    [Fact]
    public void One_exchange_gives_the_offset_and_half_the_time_on_the_wire_as_its_uncertainty()
    {
        // The node's clock is 500 ms behind; 300 us out, 200 us at the node, 500 us back (the asymmetry, 100 us, is within the uncertainty).
        const long offset = 500_000;
        var measured = WireClock.Exchange(1_000_000, 1_000_300 - offset, 1_000_500 - offset, 1_001_000);
        Assert.Equal((offset + 100, 400L), measured);
    }

    [Fact]
    public void A_node_clock_stepped_forward_while_the_exchange_was_under_way_gives_no_measurement()
    {
        // 200 us at the node by a steady clock, plus a 1 s step: longer than the whole 1 ms round trip.
        Assert.Null(WireClock.Exchange(1_000_000, 1_000_300, 1_000_500 + 1_000_000, 1_001_000));
    }

    [Fact]
    public void A_node_clock_stepped_back_while_the_exchange_was_under_way_gives_no_measurement()
    {
        Assert.Null(WireClock.Exchange(1_000_000, 1_000_300, 1_000_500 - 1_000_000, 1_001_000));
    }

    [Fact]
    public void An_orchestrator_clock_stepped_back_while_the_exchange_was_under_way_gives_no_measurement()
    {
        Assert.Null(WireClock.Exchange(1_000_000, 1_000_300, 1_000_500, 1_001_000 - 1_000_000));
    }

    [Fact]
    public void A_node_that_answers_at_once_leaves_the_whole_round_trip_as_uncertainty()
    {
        Assert.Equal((0L, 500L), WireClock.Exchange(1_000_000, 1_000_500, 1_000_500, 1_001_000));
    }
}
