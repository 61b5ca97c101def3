using ActorRunner.Messages;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Tests.Verification;

public sealed class LongHolderSpecs
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(1);

    /// <summary>A task that held the lock from 1 s for <paramref name="heldMs"/> and committed.</summary>
    private static TaskReport Held(string task, double heldMs, string node = "node-1") =>
        new(1, task, node, TaskOutcome.Committed, 0, 1,
            new TaskPhases(10, 20, 30, 1_000_000, 1_000_010, 1_000_020, 1_000_000 + (long)(heldMs * 1000)), TaskFailure.None, null);

    private static TaskReport GaveUp(string task, TaskFailure failure, string error) =>
        new(1, task, "node-2", TaskOutcome.Failed, -1, -1, new TaskPhases(10, 20, 30, 0, 0, 0, 0), failure, error);

    [Fact]
    public void The_holder_is_named_from_the_lock_timeout_kind_whatever_the_text_says()
    {
        var reports = new[] { Held("task-1", 10), Held("task-2", 1_500), GaveUp("task-3", TaskFailure.LockTimeout, "gave up after a while") };

        var finding = LongHolder.Finding(reports, LockTimeout);

        Assert.Equal("1 tasks gave up on the lock while task task-2 on node-1 held it for 1.5 s (longer than the lock timeout)", finding);
    }

    [Fact]
    public void A_failure_of_another_kind_is_no_timeout_even_when_its_text_reads_like_one()
    {
        var reports = new[] { Held("task-1", 1_500), GaveUp("task-2", TaskFailure.LockFailed, "lock not acquired within 1 s") };

        Assert.Null(LongHolder.Finding(reports, LockTimeout));
    }

    [Fact]
    public void A_holder_within_the_lock_timeout_is_not_named()
    {
        var reports = new[] { Held("task-1", 900), GaveUp("task-2", TaskFailure.LockTimeout, "lock not acquired within 1 s") };

        Assert.Null(LongHolder.Finding(reports, LockTimeout));
    }

    [Fact]
    public void Timeouts_without_a_reported_holder_point_at_the_silent_nodes()
    {
        var reports = new[] { GaveUp("task-1", TaskFailure.LockTimeout, "x"), GaveUp("task-2", TaskFailure.LockTimeout, "y") };

        Assert.Equal("2 tasks gave up on the lock; its holder never reported (see the silent or lost nodes)", LongHolder.Finding(reports, LockTimeout));
    }
}
