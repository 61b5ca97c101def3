using ActorRunner.Messages;
using ActorRunner.Orchestrator.Releasing;
using ActorRunner.Orchestrator.Reporting;
using Akka.Event;

namespace ActorRunner.Orchestrator.Tests.Releasing;

public sealed class ReleaseTimingSpecs
{
    private const long SentUs = 1_000_000;
    private const string LateTemplate = "Loop {Loop}: node {Node} got the release {LateMs} ms after its instant (lead {LeadMs} ms); its tasks started late{More}";

    private readonly RecordingLog _log = new();

    private static TaskReport Report(string node, string task, long releaseReceivedUs) =>
        new(1, task, node, TaskOutcome.Committed, 0, 1, new TaskPhases(1, 2, 3, 4, 5, 6, 7, ReleaseReceivedUs: releaseReceivedUs), TaskFailure.None, null);

    private static NodeClock? SameClock(string node) => NodeClock.Same;

    [Fact]
    public void The_instant_is_the_lead_ahead_unless_the_release_delay_is_longer()
    {
        var lead = TimeSpan.FromMilliseconds(20);

        var byLead = new ReleaseTiming(TimeSpan.FromMilliseconds(5), lead, _log).Instant(SentUs);
        var byDelay = new ReleaseTiming(TimeSpan.FromMilliseconds(50), lead, _log).Instant(SentUs);

        Assert.Equal(new ReleaseInstant(SentUs, SentUs + 20_000, lead), byLead);
        Assert.Equal(new ReleaseInstant(SentUs, SentUs + 50_000, TimeSpan.FromMilliseconds(50)), byDelay);
    }

    [Fact]
    public void A_node_that_had_the_release_after_its_instant_is_named_and_logged_and_the_next_lead_grows()
    {
        var timing = new ReleaseTiming(TimeSpan.Zero, fixedLead: null, _log);
        var first = timing.Instant(SentUs);
        Assert.Equal(ReleaseLead.First, first.In);

        // node-2 had it 25 ms after the send, 15 ms after its 10 ms lead.
        var late = timing.Delivered(3, [Report("node-1", "task-1", SentUs + 2_000), Report("node-2", "task-2", SentUs + 25_000)], SameClock, first.SentUs, first.AtUs);

        Assert.Equal(["node-2"], late);
        var warning = _log.Single(LateTemplate);
        Assert.Equal(LogLevel.WarningLevel, warning.Level);
        Assert.Equal<object?>([3, "node-2", 15.0, 10.0, ""], warning.Args);
        Assert.True(timing.Instant(SentUs).In > TimeSpan.FromMilliseconds(25), "the next lead allows for the slowest delivery");
    }

    [Fact]
    public void The_first_loops_delivery_does_not_set_the_lead_but_a_late_one_is_still_named_and_later_loops_count()
    {
        var timing = new ReleaseTiming(TimeSpan.Zero, fixedLead: null, _log);
        var first = timing.Instant(SentUs);

        // Loop 1's Release took 12 ms (2 ms after its 10 ms lead): named late, but the lead does not follow it.
        Assert.Equal(["node-1"], timing.Delivered(1, [Report("node-1", "task-1", SentUs + 12_000)], SameClock, first.SentUs, first.AtUs));
        Assert.Equal(ReleaseLead.First, timing.Instant(SentUs).In);

        // Loop 2's 1 ms delivery does: twice it, above the spin stretch and the wake margin.
        timing.Delivered(2, [Report("node-1", "task-1", SentUs + 1_000)], SameClock, SentUs, SentUs + 10_000);
        Assert.Equal(ReleaseLead.Shortest + TimeSpan.FromMilliseconds(2), timing.Instant(SentUs).In);
    }

    [Fact]
    public void Past_the_warned_late_releases_the_last_warning_says_so_and_the_rest_go_to_debug()
    {
        var timing = new ReleaseTiming(TimeSpan.Zero, TimeSpan.FromMilliseconds(10), _log);

        for (var loop = 1; loop <= LateReleaseWarnings.Warned + 2; loop++)
            timing.Delivered(loop, [Report("node-1", "task-1", SentUs + 12_000)], SameClock, SentUs, SentUs + 10_000);

        var levels = _log.Events.Select(e => e.Level).ToList();
        Assert.Equal(LateReleaseWarnings.Warned + 2, timing.LateCount);
        Assert.Equal(LateReleaseWarnings.Warned, levels.Count(l => l == LogLevel.WarningLevel));
        Assert.Equal([LogLevel.DebugLevel, LogLevel.DebugLevel], levels.Skip(LateReleaseWarnings.Warned));
        Assert.Equal("; further late releases are logged at debug level", _log.Events[LateReleaseWarnings.Warned - 1].Args[4]);
    }

    [Fact]
    public void Nothing_released_names_no_node_and_logs_nothing()
    {
        var timing = new ReleaseTiming(TimeSpan.Zero, null, _log);

        Assert.Empty(timing.Delivered(1, [Report("node-1", "task-1", SentUs + 50_000)], SameClock, sentUs: 0, atUs: 0));
        Assert.Empty(_log.Events);
        Assert.Equal(ReleaseLead.First, timing.Instant(SentUs).In);
    }
}
