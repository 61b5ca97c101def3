using ActorRunner.Messages;

namespace ActorRunner.TaskNode.Tasks;

/// <summary>
/// Where a node's tasks park for one loop. Every task waits on the one event; a single releaser thread sleeps
/// until just before the agreed instant, spins the last stretch, and opens the gate, so all tasks of the node
/// are woken by one call at that instant (no task spins: tasks outnumber cores).
/// </summary>
public sealed class ReleaseGate : IDisposable
{
    private static readonly TimeSpan SpinStretch = TimeSpan.FromMilliseconds(1.5);
    private const int Closed = 0, Released = 1, Aborted = 2;
    private readonly ManualResetEventSlim _open = new(false, spinCount: 1);
    private int _state = Closed;

    public ReleaseGate(int loop) => Loop = loop;

    public int Loop { get; }

    /// <summary>The instant the gate opened (µs since the Unix epoch), 0 while closed.</summary>
    public long OpenedUs { get; private set; }

    /// <summary>Opens the gate at <paramref name="releaseAtUs"/> (at once if that has passed).</summary>
    public void OpenAt(long releaseAtUs)
    {
        var releaser = new Thread(() =>
        {
            var remainingUs = releaseAtUs - WireClock.NowUs();
            var sleep = TimeSpan.FromMicroseconds(remainingUs) - SpinStretch;
            if (sleep > TimeSpan.Zero) Thread.Sleep(sleep);
            while (WireClock.NowUs() < releaseAtUs) Thread.SpinWait(20);
            if (Interlocked.CompareExchange(ref _state, Released, Closed) != Closed) return;
            OpenedUs = WireClock.NowUs();
            _open.Set();
        })
        {
            IsBackground = true,
            Name = $"release-{Loop}",
            Priority = ThreadPriority.Highest,
        };
        releaser.Start();
    }

    /// <summary>Calls the loop off, unless the gate has opened already: parked tasks wake and skip the loop.</summary>
    public bool Abort(string reason)
    {
        if (Interlocked.CompareExchange(ref _state, Aborted, Closed) != Closed) return false;
        AbortReason = reason;
        _open.Set();
        return true;
    }

    /// <summary>Why the loop was called off, when it was.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>True once the loop was called off before its release.</summary>
    public bool IsAborted => Volatile.Read(ref _state) == Aborted;

    /// <summary>Parks the calling task until the gate opens; false when it did not open in time.</summary>
    public bool Wait(TimeSpan timeout, CancellationToken stopping) => _open.Wait(timeout, stopping);

    public void Dispose() => _open.Dispose();
}
