using System.Runtime.InteropServices;
using ActorRunner.Messages;

namespace ActorRunner.TaskNode.Tasks;

/// <summary>
/// Where a node's tasks park for one loop, on one futex word. How they leave it at the agreed instant depends on
/// <see cref="Mode"/>:
/// <list type="bullet">
/// <item><see cref="ReleaseWait.Wake"/>: a releaser thread sleeps until just before the instant, spins the last
/// stretch and wakes every task with one call (tasks outnumber the cores, so spinning tasks would only queue).</item>
/// <item><see cref="ReleaseWait.Spin"/>: when the Release arrives every task is woken at once (long before the
/// instant); each sleeps until just before it and spins the rest on the clock, so no wake-up lies on the critical
/// path. Tasks in this mode park at real-time priority (see <see cref="TaskWorker"/>).</item>
/// </list>
/// </summary>
public sealed unsafe class ReleaseGate
{
    private const int Closed = 0, Released = 1, Aborted = 2, Armed = 3;

    /// <summary>
    /// How long before the instant the sleeper (the releaser, or each task) starts spinning on the clock: shorter at
    /// real-time priority, whose wake-up from the sleep nothing ordinary delays.
    /// </summary>
    public static long SpinStretchUs(bool realTime) => realTime ? Protocol.RealTimeSpinStretchUs : Protocol.ReleaseSpinStretchUs;

    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(250);

    // The futex word lives in a pinned array: its address never moves, and the GC frees it with the gate.
    private readonly int[] _word = GC.AllocateArray<int>(1, pinned: true);
    private readonly int* _state;
    private long _releaseAtUs;

    public ReleaseGate(int loop, ReleaseWait mode = ReleaseWait.Wake)
    {
        Loop = loop;
        Mode = mode;
        _state = (int*)Marshal.UnsafeAddrOfPinnedArrayElement(_word, 0);
    }

    public int Loop { get; }

    public ReleaseWait Mode { get; }

    /// <summary>The instant the gate opened (µs since the Unix epoch), 0 while closed.</summary>
    public long OpenedUs { get; private set; }

    /// <summary>Why the loop was called off, when it was.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>True once the loop was called off before its release.</summary>
    public bool IsAborted => Volatile.Read(ref *_state) == Aborted;

    /// <summary>Opens the gate at <paramref name="releaseAtUs"/> (at once if that has passed).</summary>
    public void OpenAt(long releaseAtUs)
    {
        if (Mode == ReleaseWait.Spin)
        {
            // The instant is written before the word changes (the exchange is a full fence).
            Volatile.Write(ref _releaseAtUs, releaseAtUs);
            if (Interlocked.CompareExchange(ref *_state, Armed, Closed) == Closed) Futex.WakeAll(_state);
            return;
        }
        var releaser = new Thread(() =>
        {
            // At real-time priority its wake-up from the sleep below is not delayed by whatever else runs.
            var sleepUs = releaseAtUs - WireClock.NowUs() - SpinStretchUs(RealTimePriority.Enter());
            if (sleepUs > 0) Thread.Sleep(TimeSpan.FromMicroseconds(sleepUs));
            while (WireClock.NowUs() < releaseAtUs) Thread.SpinWait(20);
            if (Interlocked.CompareExchange(ref *_state, Released, Closed) != Closed) return;
            OpenedUs = WireClock.NowUs();
            Futex.WakeAll(_state);
        })
        {
            IsBackground = true,
            Name = $"release-{Loop}",
        };
        releaser.Start();
    }

    /// <summary>Calls the loop off, unless the gate has opened already: parked tasks wake and skip the loop.</summary>
    public bool Abort(string reason)
    {
        AbortReason = reason;
        if (Interlocked.CompareExchange(ref *_state, Aborted, Closed) != Closed
            && Interlocked.CompareExchange(ref *_state, Aborted, Armed) != Armed) return false;
        Futex.WakeAll(_state);
        return true;
    }

    /// <summary>
    /// Parks the calling task until the gate opens (in <see cref="ReleaseWait.Spin"/> mode: until the agreed
    /// instant itself, spinning the last stretch, the shorter one when <paramref name="realTime"/>: the calling thread
    /// is at real-time priority); false when it did not open in time or the node stops.
    /// </summary>
    public bool Wait(TimeSpan timeout, CancellationToken stopping, bool realTime = false)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Volatile.Read(ref *_state) == Closed)
        {
            if (stopping.IsCancellationRequested || DateTime.UtcNow >= deadline) return false;
            Futex.Wait(_state, Closed, WaitSlice);
        }
        return Mode != ReleaseWait.Spin || WaitOutOnTheClock(stopping, SpinStretchUs(realTime));
    }

    /// <summary>Sleeps until the last stretch before the instant (an abort still wakes it), then spins to the instant.</summary>
    private bool WaitOutOnTheClock(CancellationToken stopping, long spinStretchUs)
    {
        var at = Volatile.Read(ref _releaseAtUs);
        while (Volatile.Read(ref *_state) == Armed)
        {
            var sleepUs = at - spinStretchUs - WireClock.NowUs();
            if (sleepUs <= 0) break;
            if (stopping.IsCancellationRequested) return false;
            Futex.Wait(_state, Armed, TimeSpan.FromMicroseconds(Math.Min(sleepUs, (long)WaitSlice.TotalMicroseconds)));
        }
        // The first task into the last stretch opens the gate for every task: an abort from here on is too late.
        if (Interlocked.CompareExchange(ref *_state, Released, Armed) == Armed) OpenedUs = at;
        if (IsAborted) return true;
        while (WireClock.NowUs() < at)
        {
            // Spin on the clock alone: every iteration is one read of it.
        }
        return true;
    }
}
