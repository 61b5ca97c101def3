using System.Runtime.InteropServices;
using ActorRunner.Messages;

namespace ActorRunner.TaskNode.Tasks;

/// <summary>
/// Where a node's tasks park for one loop. Every task sleeps on one futex word; a single releaser thread sleeps
/// until just before the agreed instant, spins the last stretch, and wakes them all with one call, so every
/// task of the node becomes runnable at that instant (no task spins: tasks outnumber cores).
/// </summary>
public sealed unsafe class ReleaseGate
{
    private const int Closed = 0, Released = 1, Aborted = 2;
    private static readonly TimeSpan SpinStretch = TimeSpan.FromMilliseconds(1.5);
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(250);

    // The futex word lives in a pinned array: its address never moves, and the GC frees it with the gate.
    private readonly int[] _word = GC.AllocateArray<int>(1, pinned: true);
    private readonly int* _state;

    public ReleaseGate(int loop)
    {
        Loop = loop;
        _state = (int*)Marshal.UnsafeAddrOfPinnedArrayElement(_word, 0);
    }

    public int Loop { get; }

    /// <summary>The instant the gate opened (µs since the Unix epoch), 0 while closed.</summary>
    public long OpenedUs { get; private set; }

    /// <summary>Why the loop was called off, when it was.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>True once the loop was called off before its release.</summary>
    public bool IsAborted => Volatile.Read(ref *_state) == Aborted;

    /// <summary>Opens the gate at <paramref name="releaseAtUs"/> (at once if that has passed).</summary>
    public void OpenAt(long releaseAtUs)
    {
        var releaser = new Thread(() =>
        {
            var sleep = TimeSpan.FromMicroseconds(releaseAtUs - WireClock.NowUs()) - SpinStretch;
            if (sleep > TimeSpan.Zero) Thread.Sleep(sleep);
            while (WireClock.NowUs() < releaseAtUs) Thread.SpinWait(20);
            if (Interlocked.CompareExchange(ref *_state, Released, Closed) != Closed) return;
            OpenedUs = WireClock.NowUs();
            Futex.WakeAll(_state);
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
        AbortReason = reason;
        if (Interlocked.CompareExchange(ref *_state, Aborted, Closed) != Closed) return false;
        Futex.WakeAll(_state);
        return true;
    }

    /// <summary>Parks the calling task until the gate opens; false when it did not open in time or the node stops.</summary>
    public bool Wait(TimeSpan timeout, CancellationToken stopping)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Volatile.Read(ref *_state) == Closed)
        {
            if (stopping.IsCancellationRequested || DateTime.UtcNow >= deadline) return false;
            Futex.Wait(_state, Closed, WaitSlice);
        }
        return true;
    }
}
