namespace ActorRunner.TaskNode.Capacity;

/// <summary>The step of a task's set-up that failed, and why.</summary>
public sealed class TaskSetupException(string step, Exception inner) : Exception($"{step}: {inner.Message}", inner)
{
    /// <summary>"its connection could not open", "its lock file could not open", "its thread could not start".</summary>
    public string Step { get; } = step;
}

/// <summary>
/// Says which resource ran out when a task could not be set up. The runtime reports a thread that could not start
/// (no descriptor left for it, no memory map, no thread id) as an <see cref="OutOfMemoryException"/>, and SQLite a
/// database it could not open for want of a descriptor as "unable to open database file": the usage of this
/// process and the machine, against their limits, tells which it was.
/// </summary>
public static class SetupDiagnosis
{
    /// <summary>Within this much of a limit, the limit is taken as what ran out (a failed set-up may have closed what it had opened).</summary>
    private const long Slack = 16;
    private const long LowMemoryBytes = 64L * 1024 * 1024;

    /// <summary>
    /// A descriptor held for the diagnosis itself: reading /proc takes one, and the set-up that failed may have taken
    /// the last. Given back (disposed) just before the reads.
    /// </summary>
    public static IDisposable ReserveDescriptor() => File.OpenHandle("/dev/null");

    /// <summary>The limit that ran out ("descriptors ran out: 20,000 open, RLIMIT_NOFILE 20,000"), or null when none is near.</summary>
    public static string? Exhausted(MachineLimits m, ProcessUsage usage)
    {
        if (m.DescriptorsSoft != long.MaxValue && usage.Descriptors >= m.DescriptorsSoft - Slack)
            return $"descriptors ran out: {usage.Descriptors:#,0} open, RLIMIT_NOFILE {m.DescriptorsSoft:#,0} (raise it with ulimit -n, or put fewer tasks on a node)";
        if (m.MapsPerProcess != long.MaxValue && usage.Maps >= m.MapsPerProcess - Slack)
            return $"memory maps ran out: {usage.Maps:#,0} mapped, vm.max_map_count {m.MapsPerProcess:#,0} ({TaskCost.MapsPerThread} a thread; put fewer tasks on a node)";
        var machineThreads = Math.Min(m.PidMax, m.ThreadsMax);
        if (machineThreads != long.MaxValue && m.ThreadsInUse >= machineThreads - Slack)
            return $"the machine's threads ran out: {m.ThreadsInUse:#,0} running, {(m.PidMax <= m.ThreadsMax ? "kernel.pid_max" : "kernel.threads-max")} {machineThreads:#,0}";
        if (m.UserThreads != long.MaxValue && m.UserThreadsInUse >= m.UserThreads - Slack)
            return $"the user's threads ran out: {m.UserThreadsInUse:#,0} running, RLIMIT_NPROC {m.UserThreads:#,0}";
        if (m.MemoryAvailableBytes < LowMemoryBytes)
            return $"memory ran out: {m.MemoryAvailableBytes / (1024 * 1024):#,0} MiB available";
        return null;
    }

    /// <summary>
    /// One line for a task that could not be set up: which task, how far the node got, the step, and the resource that
    /// ran out when one did (else the error as it was raised).
    /// </summary>
    public static string Explain(string taskId, int opened, int tasks, Exception error, MachineLimits machine, ProcessUsage usage)
    {
        var step = error is TaskSetupException setup ? setup.Step : "it failed";
        var cause = error is TaskSetupException { InnerException: { } inner } ? inner : error;
        var said = cause is OutOfMemoryException ? "the runtime reported OutOfMemoryException" : cause.Message;
        var why = Exhausted(machine, usage) is { } exhausted ? $"{exhausted}; {said}" : said;
        return $"task {taskId} could not be set up ({opened:#,0} of {tasks:#,0} were): {step}: {why}";
    }
}
