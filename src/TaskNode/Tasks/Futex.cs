using System.Runtime.InteropServices;

namespace ActorRunner.TaskNode.Tasks;

/// <summary>
/// A Linux futex: one word that every task of a node sleeps on, so one FUTEX_WAKE makes them all runnable at
/// once. (ManualResetEventSlim wakes waiters one by one through a monitor they must each re-acquire, which
/// spreads the release by about twice as much; measured in the README.)
/// </summary>
internal static unsafe partial class Futex
{
    private const int FutexWaitPrivate = 0 | 128;
    private const int FutexWakePrivate = 1 | 128;

    private static readonly long SysFutex = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        var other => throw new PlatformNotSupportedException($"no futex syscall number for {other}"),
    };

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int* address, int operation, int value, Timespec* timeout, int* address2, int value3);

    /// <summary>Sleeps while <c>*word == expected</c>, at most <paramref name="timeout"/> (it may return early).</summary>
    public static void Wait(int* word, int expected, TimeSpan timeout)
    {
        var spec = new Timespec
        {
            Seconds = (long)timeout.TotalSeconds,
            Nanoseconds = (long)(timeout.Ticks % TimeSpan.TicksPerSecond * 100),
        };
        Syscall(SysFutex, word, FutexWaitPrivate, expected, &spec, null, 0);
    }

    /// <summary>Wakes every thread sleeping on <paramref name="word"/>.</summary>
    public static void WakeAll(int* word) => Syscall(SysFutex, word, FutexWakePrivate, int.MaxValue, null, null, 0);
}
