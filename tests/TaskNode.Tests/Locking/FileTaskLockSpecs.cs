using System.Diagnostics;
using ActorRunner.TaskNode.Locking;

namespace ActorRunner.TaskNode.Tests.Locking;

public sealed class FileTaskLockSpecs : IDisposable
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private readonly string _folder = Directory.CreateTempSubdirectory("file-task-lock-specs-").FullName;
    private readonly string _path;

    public FileTaskLockSpecs() => _path = Path.Combine(_folder, "counter.lock");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private FileTaskLock OpenLock()
    {
        var taskLock = new FileTaskLock(_path);
        taskLock.Open();
        return taskLock;
    }

    /// <summary>Counts the timeout callbacks and remembers when the first came.</summary>
    private sealed class TimeoutProbe
    {
        private readonly Stopwatch _since = Stopwatch.StartNew();
        private readonly TaskCompletionSource<TimeSpan> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);
        public Task<TimeSpan> First => _first.Task;

        public void Restart() => _since.Restart();

        public void OnTimedOut()
        {
            Interlocked.Increment(ref _calls);
            _first.TrySetResult(_since.Elapsed);
        }
    }

    /// <summary>Whether another open file description holds an exclusive flock on the path: a non-blocking try.</summary>
    private bool HeldElsewhere()
    {
        var fd = Flock.Open(_path);
        try
        {
            var errno = Flock.Lock(fd, Flock.LOCK_EX | Flock.LOCK_NB);
            if (errno == 0) Flock.Lock(fd, Flock.LOCK_UN);
            return errno == Flock.EWOULDBLOCK;
        }
        finally
        {
            Flock.Close(fd);
        }
    }

    private void WaitUntilHeldElsewhere()
    {
        var deadline = Stopwatch.StartNew();
        while (!HeldElsewhere())
        {
            Assert.True(deadline.Elapsed < Bound, "the flock process never took the lock");
            Thread.Sleep(10);
        }
    }

    /// <summary>Waits until a flock on the lock file is queued behind its holder (a "->" line of /proc/locks naming the file).</summary>
    private async Task WaitUntilAWaiterIsBlocked()
    {
        var inode = Flock.Identity(_path)!.Value.Inode;
        var deadline = Stopwatch.StartNew();
        while (!File.ReadLines("/proc/locks").Any(line => line.Contains("-> FLOCK", StringComparison.Ordinal) && line.Contains($":{inode} ", StringComparison.Ordinal)))
        {
            Assert.True(deadline.Elapsed < Bound, "the waiter never blocked on the lock");
            await Task.Delay(10);
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    [Fact]
    public async Task A_lock_held_by_another_process_times_out_on_time_and_is_free_once_that_process_dies()
    {
        var holder = new Process
        {
            StartInfo = new ProcessStartInfo("/usr/bin/flock", ["-x", _path, "sleep", "3"]) { UseShellExecute = false },
        };
        using var waiter = OpenLock();
        Task<LockResult>? acquire = null;
        try
        {
            holder.Start();
            WaitUntilHeldElsewhere();

            var timeouts = new TimeoutProbe();
            acquire = Task.Factory.StartNew(() => waiter.Acquire(1, ShortTimeout, timeouts.OnTimedOut), TaskCreationOptions.LongRunning);
            var after = await timeouts.First.WaitAsync(Bound);

            // Not before its time (how much after is the machine's load, not the lock's: not asserted).
            Assert.True(after >= ShortTimeout - TimeSpan.FromMilliseconds(20), $"timed out after {after.TotalMilliseconds} ms");
            if (acquire.IsCompleted) Assert.Equal(LockResult.TimedOut, await acquire); // never Acquired while the process holds it

            KillTree(holder);
            Assert.Equal(LockResult.TimedOut, await acquire.WaitAsync(Bound));
            Assert.Equal(1, timeouts.Calls);

            using var fresh = OpenLock();
            var freshTimeouts = new TimeoutProbe();
            Assert.Equal(LockResult.Acquired, fresh.Acquire(2, TimeSpan.FromSeconds(2), freshTimeouts.OnTimedOut));
            Assert.Equal(0, freshTimeouts.Calls);
            fresh.Release(2);
        }
        finally
        {
            KillTree(holder);
            holder.Dispose();
            if (acquire is not null) await Task.WhenAny(acquire, Task.Delay(Bound));
        }
    }

    [Fact]
    public async Task Two_locks_in_one_process_exclude_each_other()
    {
        using var first = OpenLock();
        using var second = OpenLock();
        Task<LockResult>? waiting = null;
        try
        {
            var free = new TimeoutProbe();
            Assert.Equal(LockResult.Acquired, first.Acquire(1, ShortTimeout, free.OnTimedOut));
            Assert.Equal(0, free.Calls);

            var timeouts = new TimeoutProbe();
            waiting = Task.Factory.StartNew(() => second.Acquire(1, ShortTimeout, timeouts.OnTimedOut), TaskCreationOptions.LongRunning);
            var after = await timeouts.First.WaitAsync(Bound);
            // Not before its time (how much after is the machine's load, not the lock's: not asserted).
            Assert.True(after >= ShortTimeout - TimeSpan.FromMilliseconds(20), $"timed out after {after.TotalMilliseconds} ms");
            Assert.True(HeldElsewhere());

            first.Release(1);
            // The abandoned wait gets the lock and gives it straight back.
            Assert.Equal(LockResult.TimedOut, await waiting.WaitAsync(Bound));
            Assert.Equal(1, timeouts.Calls);

            var again = new TimeoutProbe();
            Assert.Equal(LockResult.Acquired, second.Acquire(2, ShortTimeout, again.OnTimedOut));
            Assert.Equal(0, again.Calls);
            Assert.True(HeldElsewhere());
            second.Release(2);
            Assert.False(HeldElsewhere());
        }
        finally
        {
            first.Release(1);
            if (waiting is not null) await Task.WhenAny(waiting, Task.Delay(Bound));
        }
    }

    [Fact]
    public async Task A_waiter_gets_the_lock_the_moment_the_holder_releases_it()
    {
        using var first = OpenLock();
        using var second = OpenLock();
        Assert.Equal(LockResult.Acquired, first.Acquire(1, ShortTimeout, () => { }));
        var timeouts = new TimeoutProbe();
        var waiting = Task.Factory.StartNew(() => second.Acquire(1, TimeSpan.FromSeconds(5), timeouts.OnTimedOut), TaskCreationOptions.LongRunning);
        try
        {
            await WaitUntilAWaiterIsBlocked();
            Assert.False(waiting.IsCompleted, "the waiter got a held lock");

            // The waiter is blocked in the kernel on the lock (/proc/locks above), so it is woken by the release
            // itself; how fast is measured in bench/, not asserted here.
            first.Release(1);
            Assert.Equal(LockResult.Acquired, await waiting.WaitAsync(Bound));

            Assert.Equal(0, timeouts.Calls);
            second.Release(1);
        }
        finally
        {
            first.Release(1);
            await Task.WhenAny(waiting, Task.Delay(Bound));
        }
    }

    [Fact]
    public void Exclusion_is_proven_on_a_local_file_and_the_lock_is_left_free()
    {
        FileTaskLock.ProveExclusion(_path, TimeSpan.FromSeconds(1));

        Assert.True(File.Exists(_path));
        Assert.False(HeldElsewhere());
    }

    [Fact]
    public void Proving_exclusion_while_someone_holds_the_lock_fails_naming_the_file()
    {
        using var holder = OpenLock();
        Assert.Equal(LockResult.Acquired, holder.Acquire(1, ShortTimeout, () => { }));
        try
        {
            var error = Assert.Throws<IOException>(() => FileTaskLock.ProveExclusion(_path, TimeSpan.FromMilliseconds(100)));

            Assert.Contains(_path, error.Message);
        }
        finally
        {
            holder.Release(1);
        }
    }

    [Fact]
    public void A_lock_file_in_a_missing_folder_cannot_be_opened()
    {
        var missing = new FileTaskLock(Path.Combine(_folder, "no-such-folder", "counter.lock"));

        var error = Assert.Throws<IOException>(missing.Open);

        Assert.Contains("no-such-folder", error.Message);
        missing.Dispose();
    }

    [Fact]
    public void A_lock_still_guarding_its_file_checks_clean()
    {
        using var taskLock = OpenLock();
        Assert.Equal(LockResult.Acquired, taskLock.Acquire(1, ShortTimeout, () => { }));

        Assert.Null(taskLock.CheckHeld());
        taskLock.Release(1);
    }

    [Fact]
    public void Deleting_the_lock_file_while_held_is_detected()
    {
        using var taskLock = OpenLock();
        Assert.Equal(LockResult.Acquired, taskLock.Acquire(1, ShortTimeout, () => { }));

        File.Delete(_path);
        var problem = taskLock.CheckHeld();

        Assert.NotNull(problem);
        Assert.Contains("deleted", problem);
        Assert.Contains(_path, problem);
        taskLock.Release(1);
    }

    [Fact]
    public void Replacing_the_lock_file_while_held_is_detected()
    {
        using var taskLock = OpenLock();
        Assert.Equal(LockResult.Acquired, taskLock.Acquire(1, ShortTimeout, () => { }));

        var replacement = Path.Combine(_folder, "replacement.lock");
        File.WriteAllText(replacement, "");
        File.Move(replacement, _path, overwrite: true);
        var problem = taskLock.CheckHeld();

        Assert.NotNull(problem);
        Assert.Contains("replaced", problem);
        taskLock.Release(1);
    }
}
