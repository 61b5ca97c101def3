using ActorRunner.Messages;
using Akka.Actor;

namespace ActorRunner.TaskNode.Locking;

/// <summary>
/// Lock mode "orchestrator": the lock is a FIFO lock actor in the orchestrator, reached over Akka.Remote, so
/// tasks on different machines need no shared file system. A waiter that gives up withdraws its place.
/// </summary>
public sealed class OrchestratorTaskLock(IActorRef lockActor, string taskId, string nodeId) : ITaskLock
{
    public void Open() { }

    public LockResult Acquire(int loop, TimeSpan timeout, Action onTimedOut)
    {
        try
        {
            lockActor.Ask<LockGranted>(new AcquireLock(loop, taskId, nodeId), timeout).GetAwaiter().GetResult();
            return LockResult.Acquired;
        }
        catch (AskTimeoutException)
        {
            // Withdraw: the lock actor drops the place, or frees the lock if the grant crossed this message.
            lockActor.Tell(new ReleaseLock(loop, taskId));
            onTimedOut();
            return LockResult.TimedOut;
        }
    }

    public string? CheckHeld() => null;

    public void Release(int loop) => lockActor.Tell(new ReleaseLock(loop, taskId));

    public void Dispose() { }
}
