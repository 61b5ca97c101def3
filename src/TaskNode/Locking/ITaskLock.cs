namespace ActorRunner.TaskNode.Locking;

public enum LockResult
{
    Acquired,
    /// <summary>The timeout passed first; the <c>onTimedOut</c> callback was called exactly once.</summary>
    TimedOut,
}

/// <summary>The lock one task takes around its critical action. Each task has its own instance.</summary>
public interface ITaskLock : IDisposable
{
    /// <summary>Opens what the lock needs (a descriptor, a connection) and proves it works.</summary>
    void Open();

    /// <summary>
    /// Blocks the calling task thread until the lock is held, or gives up at the timeout: then
    /// <paramref name="onTimedOut"/> is called once, on time, and the lock is never held on the task's behalf.
    /// A wait that cannot be cut short (a blocking flock) returns <see cref="LockResult.TimedOut"/> only when it
    /// ends, so the task's thread may stay blocked as long as a hung holder does; its report has gone already.
    /// </summary>
    LockResult Acquire(int loop, TimeSpan timeout, Action onTimedOut);

    /// <summary>Checks, while held, that the lock still guards what it should; returns the problem or null.</summary>
    string? CheckHeld();

    void Release(int loop);
}

/// <summary>Lock modes "none" (the negative control) and "sqlite" (the store's own transaction excludes).</summary>
public sealed class NoTaskLock : ITaskLock
{
    public void Open() { }
    public LockResult Acquire(int loop, TimeSpan timeout, Action onTimedOut) => LockResult.Acquired;
    public string? CheckHeld() => null;
    public void Release(int loop) { }
    public void Dispose() { }
}
