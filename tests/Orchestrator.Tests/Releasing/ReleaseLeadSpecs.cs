using ActorRunner.Messages;
using ActorRunner.Orchestrator.Releasing;

namespace ActorRunner.Orchestrator.Tests.Releasing;

public sealed class ReleaseLeadSpecs
{
    private static readonly TimeSpan Floor = TimeSpan.FromMicroseconds(Protocol.RealTimeSpinStretchUs) + ReleaseLead.WakeMargin;

    [Fact]
    public void The_first_loop_uses_the_first_lead()
    {
        Assert.Equal(ReleaseLead.First, new ReleaseLead(null).Next);
    }

    [Fact]
    public void With_few_loops_measured_the_lead_is_twice_the_slowest_delivery_above_the_spin_stretch_and_wake_margin()
    {
        var lead = new ReleaseLead(null);
        lead.Observed(300);
        lead.Observed(800);
        lead.Observed(200);
        Assert.Equal(Floor + TimeSpan.FromMicroseconds(1_600), lead.Next);
    }

    [Fact]
    public void One_stall_among_the_recent_loops_does_not_lengthen_the_lead_but_stalls_that_recur_do()
    {
        var lead = new ReleaseLead(null);
        for (var i = 1; i <= 19; i++) lead.Observed(100 * i);
        lead.Observed(50_000);
        // 20 loops: the 90th percentile is the 18th of them in order, 1.8 ms.
        Assert.Equal(Floor + TimeSpan.FromMicroseconds(3_600), lead.Next);
        lead.Observed(50_000);
        lead.Observed(50_000);
        Assert.Equal(Floor + TimeSpan.FromMicroseconds(100_000), lead.Next);
    }

    [Fact]
    public void A_slow_delivery_is_forgotten_after_the_window()
    {
        var lead = new ReleaseLead(null);
        lead.Observed(5_000);
        for (var i = 0; i < ReleaseLead.Window; i++) lead.Observed(100);
        Assert.Equal(Floor + TimeSpan.FromMicroseconds(200), lead.Next);
    }

    [Fact]
    public void A_negative_delivery_from_clock_noise_counts_as_none()
    {
        var lead = new ReleaseLead(null);
        lead.Observed(-400);
        Assert.Equal(Floor, lead.Next);
    }

    [Fact]
    public void The_lead_never_exceeds_the_longest()
    {
        var lead = new ReleaseLead(null);
        lead.Observed(10_000_000);
        Assert.Equal(ReleaseLead.Longest, lead.Next);
        Assert.Equal(ReleaseLead.Longest, lead.Most);
    }

    [Fact]
    public void A_fixed_lead_ignores_what_was_measured()
    {
        var lead = new ReleaseLead(TimeSpan.FromMilliseconds(20));
        lead.Observed(100);
        Assert.Equal(TimeSpan.FromMilliseconds(20), lead.Next);
        Assert.Equal(TimeSpan.FromMilliseconds(20), lead.Most);
    }
}
