namespace ActorRunner.TaskNode.Locking;

/// <summary>
/// An exclusive flock(2) on the lock file, through the task's own open file description, so tasks in one
/// process contend exactly as tasks in different processes do. The wait is a blocking flock on the task's own
/// thread (the kernel hands the lock over the moment it is released, no polling); a timer reports the timeout
/// on time, and a wait that is still blocked then gives the lock straight back when it finally gets it.
/// </summary>
public sealed class FileTaskLock(string path) : ITaskLock
{
    private const int Waiting = 0, Held = 1, GaveUp = 2;

    private int _fd = -1;
    private (ulong Device, ulong Inode) _identity;

    public void Open()
    {
        _fd = Flock.Open(path);
        _identity = Flock.Identity(_fd);
    }

    /// <summary>
    /// Proves that the lock excludes on this file system: with one descriptor holding it, a second one's
    /// non-blocking attempt must fail. Retries briefly, since another node may be running the same check.
    /// </summary>
    public static void ProveExclusion(string path, TimeSpan within)
    {
        var first = Flock.Open(path);
        var second = Flock.Open(path);
        try
        {
            var deadline = DateTime.UtcNow + within;
            int errno;
            while ((errno = Flock.Lock(first, Flock.LOCK_EX | Flock.LOCK_NB)) == Flock.EWOULDBLOCK && DateTime.UtcNow < deadline)
                Thread.Sleep(NodeTimings.ExclusionProofRetry);
            if (errno != 0)
                throw new IOException($"cannot take the lock on {path}: {Flock.Describe(errno)}");
            var other = Flock.Lock(second, Flock.LOCK_EX | Flock.LOCK_NB);
            Flock.Lock(first, Flock.LOCK_UN);
            if (other == 0)
                throw new IOException($"file locking does not exclude on {path}: a second flock succeeded while the first was held");
            if (other != Flock.EWOULDBLOCK)
                throw new IOException($"cannot test the lock on {path}: {Flock.Describe(other)}");
        }
        finally
        {
            Flock.Close(second);
            Flock.Close(first);
        }
    }

    public LockResult Acquire(int loop, TimeSpan timeout, Action onTimedOut)
    {
        if (Flock.Lock(_fd, Flock.LOCK_EX | Flock.LOCK_NB) == 0) return LockResult.Acquired;

        var state = Waiting;
        using (var timer = new Timer(_ =>
               {
                   if (Interlocked.CompareExchange(ref state, GaveUp, Waiting) == Waiting) onTimedOut();
               }, null, timeout, Timeout.InfiniteTimeSpan))
        {
            var errno = Flock.Lock(_fd, Flock.LOCK_EX);
            if (errno != 0) throw new IOException($"flock on {path} failed: {Flock.Describe(errno)}");
        }
        if (Interlocked.CompareExchange(ref state, Held, Waiting) == Waiting) return LockResult.Acquired;
        Flock.Lock(_fd, Flock.LOCK_UN);
        return LockResult.TimedOut;
    }

    public string? CheckHeld()
    {
        var now = Flock.Identity(path);
        if (now is null) return $"lock file {path} was deleted while held";
        return now.Value == _identity ? null : $"lock file {path} was replaced while held";
    }

    public void Release(int loop) => Flock.Lock(_fd, Flock.LOCK_UN);

    public void Dispose()
    {
        if (_fd >= 0) Flock.Close(_fd);
        _fd = -1;
    }
}
