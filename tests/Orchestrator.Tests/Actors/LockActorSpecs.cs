using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorRunner.Orchestrator.Tests.Actors;

public sealed class LockActorSpecs : TestKit
{
    private static readonly TimeSpan Granted = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan NotGranted = TimeSpan.FromMilliseconds(200);

    private readonly IActorRef _lock;

    public LockActorSpecs() => _lock = Sys.ActorOf(LockActor.Props(), "lock");

    private TestProbe Acquire(string task, string node = "node-1", int loop = 1)
    {
        var probe = CreateTestProbe(task);
        probe.Send(_lock, new AcquireLock(loop, task, node));
        return probe;
    }

    private void Release(TestProbe probe, string task, int loop = 1) => probe.Send(_lock, new ReleaseLock(loop, task));

    private static void ExpectGrant(TestProbe probe, string task, int loop = 1)
    {
        var granted = probe.ExpectMsg<LockGranted>(Granted);
        Assert.Equal(new LockGranted(loop, task), granted);
    }

    [Fact]
    public void The_first_request_is_granted_at_once()
    {
        var first = Acquire("task-1");

        ExpectGrant(first, "task-1");
    }

    [Fact]
    public void A_second_request_waits_for_the_first_release()
    {
        var first = Acquire("task-1");
        ExpectGrant(first, "task-1");
        var second = Acquire("task-2");

        second.ExpectNoMsg(NotGranted);
        Release(first, "task-1");

        ExpectGrant(second, "task-2");
    }

    [Fact]
    public void Waiters_are_served_in_the_order_they_asked()
    {
        var first = Acquire("task-1");
        ExpectGrant(first, "task-1");
        var second = Acquire("task-2");
        var third = Acquire("task-3");

        Release(first, "task-1");
        ExpectGrant(second, "task-2");
        third.ExpectNoMsg(NotGranted);

        Release(second, "task-2");
        ExpectGrant(third, "task-3");
    }

    [Fact]
    public void A_waiter_that_withdraws_is_skipped()
    {
        var first = Acquire("task-1");
        ExpectGrant(first, "task-1");
        var second = Acquire("task-2");
        var third = Acquire("task-3");

        Release(second, "task-2"); // gives up its place before its turn
        Release(first, "task-1");

        ExpectGrant(third, "task-3");
        second.ExpectNoMsg(NotGranted);
    }

    [Fact]
    public void A_release_for_another_loop_does_not_free_the_lock()
    {
        var first = Acquire("task-1", loop: 2);
        ExpectGrant(first, "task-1", loop: 2);
        var second = Acquire("task-2", loop: 2);

        Release(first, "task-1", loop: 1); // a stale release from an earlier loop

        second.ExpectNoMsg(NotGranted);
        Release(first, "task-1", loop: 2);
        ExpectGrant(second, "task-2", loop: 2);
    }

    [Fact]
    public void A_lost_node_frees_its_hold_and_loses_its_places()
    {
        var holder = Acquire("task-1", node: "node-1");
        ExpectGrant(holder, "task-1");
        var sameNode = Acquire("task-2", node: "node-1");
        var otherNode = Acquire("task-3", node: "node-2");

        _lock.Tell(new LockActor.NodeGone("node-1"));

        ExpectGrant(otherNode, "task-3");
        sameNode.ExpectNoMsg(NotGranted);
        holder.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void A_lost_node_that_held_nothing_leaves_the_holder_alone()
    {
        var holder = Acquire("task-1", node: "node-1");
        ExpectGrant(holder, "task-1");
        var waiter = Acquire("task-3", node: "node-2");
        var next = Acquire("task-4", node: "node-3");

        _lock.Tell(new LockActor.NodeGone("node-2"));

        next.ExpectNoMsg(NotGranted);
        Release(holder, "task-1");
        ExpectGrant(next, "task-4");
        waiter.ExpectNoMsg(TimeSpan.Zero);
    }
}
