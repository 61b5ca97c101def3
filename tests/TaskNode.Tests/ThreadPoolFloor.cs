using System.Runtime.CompilerServices;

namespace ActorRunner.TaskNode.Tests;

/// <summary>
/// The test process starts with more thread-pool threads than its two cores would give it. Specs here block
/// threads while they wait on real locks and processes; with the default floor a lock's timeout timer, which runs on
/// the pool, could wait a second for a thread to be added (the lock timeout spec saw its 0.3 s timer fire after
/// 1.2 s in 4 of 18 runs of the assembly, and in none of 14 with this floor). A node has no such waits on its pool.
/// </summary>
internal static class ThreadPoolFloor
{
    private const int Threads = 16;

    [ModuleInitializer]
    internal static void Raise() => ThreadPool.SetMinThreads(Threads, Threads);
}
