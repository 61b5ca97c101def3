using ActorRunner.Scenarios;
using ActorRunner.TaskNode.Tasks;

namespace ActorRunner.TaskNode.Capacity;

/// <summary>
/// What one task costs its node: a thread (with the four memory maps of its stack and signal stack), descriptors
/// (its lock file, its scenario's connection), and memory (the thread's stack, counted in full, and the scenario's
/// own). Measured on a node hosting 1,000 and then 2,000 sqlite-counter tasks under the file lock
/// (<c>ls /proc/PID/fd | wc -l</c>, <c>Threads</c> and <c>VmRSS</c> of <c>/proc/PID/status</c>, <c>wc -l /proc/PID/maps</c>):
/// each task added 2.0 descriptors, 1.0 thread, 4.0 maps and 183 kB of resident memory.
/// </summary>
public sealed record TaskCost(long Descriptors, long Threads, long Maps, long MemoryBytes)
{
    /// <summary>Memory maps a thread takes: its stack and the runtime's alternate signal stack, each with a guard page.</summary>
    public const long MapsPerThread = 4;

    /// <summary>The cost of one task whose lock is the runner's file lock or not, with the scenario's own resources.</summary>
    public static TaskCost For(bool fileLock, TaskResources scenario) =>
        new(Descriptors: (fileLock ? 1 : 0) + scenario.Descriptors,
            Threads: 1,
            Maps: MapsPerThread + scenario.Maps,
            MemoryBytes: TaskWorker.StackBytes + scenario.MemoryBytes);
}

/// <summary>
/// What a node process costs before its tasks (the runtime, Akka.Remote, logging): measured at about 211 descriptors,
/// 22 threads, 1,172 memory maps and 108 MB resident (the 1,000-task node's figures less its tasks'); rounded up here.
/// </summary>
public static class NodeCost
{
    public const long Descriptors = 256;
    public const long Threads = 32;
    public const long Maps = 1536;
    public const long MemoryBytes = 160L * 1024 * 1024;
}
