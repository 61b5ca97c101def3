using ActorRunner.Messages;
using Akka.Actor;
using Akka.Event;

namespace ActorRunner.Orchestrator.Actors;

/// <summary>
/// Lock mode "orchestrator": one FIFO lock for every task of every node, wherever they run. The holder keeps it
/// until it sends <see cref="ReleaseLock"/>; a waiter withdraws with the same message; a lost node's hold and
/// places are dropped.
/// </summary>
public sealed class LockActor : ReceiveActor
{
    public static Props Props() => Akka.Actor.Props.Create(() => new LockActor());

    /// <summary>The orchestrator lost this node: free its hold and drop its places.</summary>
    public sealed record NodeGone(string NodeId);

    private sealed record Request(AcquireLock Acquire, IActorRef ReplyTo);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LinkedList<Request> _waiting = new();
    private Request? _holder;

    public LockActor()
    {
        Receive<AcquireLock>(acquire =>
        {
            _waiting.AddLast(new Request(acquire, Sender));
            GrantNext();
        });
        Receive<ReleaseLock>(release =>
        {
            if (_holder is { } h && h.Acquire.TaskId == release.TaskId && h.Acquire.Loop == release.Loop)
            {
                _holder = null;
                GrantNext();
                return;
            }
            var place = _waiting.FirstOrDefault(r => r.Acquire.TaskId == release.TaskId && r.Acquire.Loop == release.Loop);
            if (place is not null) _waiting.Remove(place);
        });
        Receive<NodeGone>(gone =>
        {
            foreach (var place in _waiting.Where(r => r.Acquire.NodeId == gone.NodeId).ToList()) _waiting.Remove(place);
            if (_holder?.Acquire.NodeId == gone.NodeId)
            {
                _log.Warning("The lock held by task {Task} of lost node {Node} in loop {Loop} is free again",
                    _holder.Acquire.TaskId, gone.NodeId, _holder.Acquire.Loop);
                _holder = null;
                GrantNext();
            }
        });
    }

    private void GrantNext()
    {
        if (_holder is not null || _waiting.First is null) return;
        _holder = _waiting.First.Value;
        _waiting.RemoveFirst();
        _holder.ReplyTo.Tell(new LockGranted(_holder.Acquire.Loop, _holder.Acquire.TaskId));
    }
}
