using System.Runtime.InteropServices;

namespace ActorRunner.TaskNode.Tasks;

/// <summary>
/// The calling thread's Linux scheduling policy: SCHED_FIFO at the lowest real-time priority while a task waits
/// out the release on the clock, so no ordinary thread (the runtime's, Akka's, another program's) preempts it at
/// the instant and its wake-up from the futex is immediate; SCHED_OTHER again once its critical action is done.
/// Needs CAP_SYS_NICE (root has it); without it the thread keeps its ordinary priority.
/// </summary>
public static unsafe partial class RealTimePriority
{
    private const int SchedOther = 0;
    private const int SchedFifo = 1;
    private const int LowestRealTime = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, SchedParam* param);

    /// <summary>Puts the calling thread on SCHED_FIFO; false (and the thread unchanged) when not permitted.</summary>
    public static bool Enter() => Set(SchedFifo, LowestRealTime);

    /// <summary>Puts the calling thread back on SCHED_OTHER.</summary>
    public static void Leave() => Set(SchedOther, 0);

    /// <summary>Whether this process may use real-time priority: tried on the calling thread and undone. The error when not.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        if (!Enter()) return Marshal.GetLastPInvokeErrorMessage();
        Leave();
        return null;
    }

    // pid 0 is the calling thread: on Linux the policy belongs to each thread.
    private static bool Set(int policy, int priority)
    {
        var param = new SchedParam { Priority = priority };
        return SchedSetScheduler(0, policy, &param) == 0;
    }
}
