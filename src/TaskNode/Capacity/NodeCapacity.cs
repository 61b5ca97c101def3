using System.Globalization;

namespace ActorRunner.TaskNode.Capacity;

/// <summary>Whether a limit holds for one process (a node) or for the whole machine (every node on it together).</summary>
public enum LimitScope
{
    Process,
    Machine,
}

/// <summary>
/// One limit tasks count against: the resource ("descriptors"), the limit's name as the kernel calls it
/// ("RLIMIT_NOFILE"), its value, what is taken already, what each node process and each task add, and the command
/// that raises it. Memory is in bytes.
/// </summary>
public sealed record ResourceLimit(string Resource, string Name, long Value, long InUse, long PerNode, long PerTask, LimitScope Scope, string? Raise)
{
    /// <summary>How many tasks fit under it in <paramref name="nodes"/> node processes (for a process limit: in one).</summary>
    public long TasksThatFit(int nodes)
    {
        if (PerTask <= 0 || Value == long.MaxValue) return long.MaxValue;
        var room = Value - InUse - PerNode * (Scope == LimitScope.Process ? 1 : nodes);
        return Math.Max(0, room / PerTask);
    }

    /// <summary>What <paramref name="tasks"/> tasks in <paramref name="nodes"/> processes need of it, with what is taken already.</summary>
    public long Needed(int nodes, long tasks) => InUse + PerNode * (Scope == LimitScope.Process ? 1 : nodes) + PerTask * tasks;

    private bool IsMemory => Resource == "memory";

    /// <summary>An amount of this resource as people read it (memory in MiB).</summary>
    public string Amount(long value) => !IsMemory ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : value >= 16L * 1024 * 1024 ? (value / (1024.0 * 1024)).ToString("#,0", CultureInfo.InvariantCulture) + " MiB"
        : (value / 1024.0).ToString("#,0", CultureInfo.InvariantCulture) + " KiB";

    /// <summary>"RLIMIT_NOFILE 20,000 descriptors, 2 a task, 256 for the node itself".</summary>
    public string Describe(string forNode)
    {
        var taken = InUse > 0 ? $", {Amount(InUse)} taken" : "";
        var perNode = PerNode > 0 ? $", {Amount(PerNode)} {forNode}" : "";
        return $"{Name} {Amount(Value)} {Resource}, {Amount(PerTask)} a task{perNode}{taken}";
    }

    /// <summary>The command that raises it far enough for <paramref name="needed"/>, or null when none does.</summary>
    public string? RaiseTo(long needed) => Raise?.Replace("{n}", needed.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}

/// <summary>
/// The arithmetic of fitting tasks into node processes: the limits a task counts against, with what a task and a
/// node cost, and the most tasks one node can hold. The orchestrator uses it to plan its local nodes; each node, to
/// check its share before it opens anything.
/// </summary>
public static class NodeCapacity
{
    /// <summary>The limits for nodes not started yet: each will cost <see cref="NodeCost"/> before its tasks, and may raise its descriptor limit to the hard limit.</summary>
    public static IReadOnlyList<ResourceLimit> ForPlannedNodes(MachineLimits machine, TaskCost task) =>
        Limits(machine, task, processInUse: new ProcessUsage(0, 0, 0), perNode: true);

    /// <summary>The limits for this process, holding what it holds now (its soft descriptor limit is the one that counts).</summary>
    public static IReadOnlyList<ResourceLimit> ForThisProcess(MachineLimits machine, TaskCost task, ProcessUsage usage) =>
        Limits(machine, task, usage, perNode: false);

    private static IReadOnlyList<ResourceLimit> Limits(MachineLimits m, TaskCost task, ProcessUsage processInUse, bool perNode)
    {
        long Node(long cost) => perNode ? cost : 0;
        return
        [
            new("descriptors", "RLIMIT_NOFILE", perNode ? m.DescriptorsHard : m.DescriptorsSoft, processInUse.Descriptors, Node(NodeCost.Descriptors),
                task.Descriptors, LimitScope.Process, "ulimit -n {n}"),
            new("memory maps", "vm.max_map_count", m.MapsPerProcess, processInUse.Maps, Node(NodeCost.Maps), task.Maps, LimitScope.Process,
                "sysctl -w vm.max_map_count={n}"),
            new("threads", "kernel.pid_max", m.PidMax, m.ThreadsInUse, Node(NodeCost.Threads), task.Threads, LimitScope.Machine,
                "sysctl -w kernel.pid_max={n}"),
            new("threads", "kernel.threads-max", m.ThreadsMax, m.ThreadsInUse, Node(NodeCost.Threads), task.Threads, LimitScope.Machine,
                "sysctl -w kernel.threads-max={n}"),
            new("threads", "RLIMIT_NPROC", m.UserThreads, m.UserThreadsInUse, Node(NodeCost.Threads), task.Threads, LimitScope.Machine, "ulimit -u {n}"),
            new("memory", "MemAvailable", m.MemoryAvailableBytes, 0, Node(NodeCost.MemoryBytes), task.MemoryBytes, LimitScope.Machine, null),
        ];
    }

    /// <summary>The most tasks one node process can hold under the per-process limits, and the limit that sets it.</summary>
    public static (long Tasks, ResourceLimit Limit) MostPerNode(IReadOnlyList<ResourceLimit> limits) =>
        limits.Where(l => l.Scope == LimitScope.Process).Select(l => (l.TasksThatFit(1), l)).MinBy(x => x.Item1);

    /// <summary>The first limit that <paramref name="nodes"/> processes with <paramref name="perNode"/> tasks each (<paramref name="total"/> in all) would exceed, or null when they fit.</summary>
    public static ResourceLimit? FirstExceeded(IReadOnlyList<ResourceLimit> limits, int nodes, long perNode, long total) =>
        limits.FirstOrDefault(l => l.Scope == LimitScope.Process ? perNode > l.TasksThatFit(1) : total > l.TasksThatFit(nodes));

    /// <summary>
    /// A node's check of its own share before it opens anything: throws <see cref="CapacityException"/> naming the
    /// limit, the numbers and the ways out when <paramref name="tasks"/> tasks cannot fit this process now.
    /// </summary>
    public static void CheckShare(string nodeId, int tasks, IReadOnlyList<ResourceLimit> limits)
    {
        if (FirstExceeded(limits, 1, tasks, tasks) is not { } limit) return;
        var room = limit.TasksThatFit(1);
        var raise = limit.RaiseTo(limit.Needed(1, tasks)) is { } command ? $", raise the limit ({command})" : "";
        var more = limit.Scope == LimitScope.Process ? "more nodes" : "nodes on other machines";
        var taken = limit.InUse > 0 ? $", {limit.Amount(limit.InUse)} taken" : "";
        throw new CapacityException(
            $"node {nodeId} cannot host its {tasks:#,0} tasks: {limit.Name} allows {limit.Amount(limit.Value)} {limit.Resource}{taken}, " +
            $"{limit.Amount(limit.PerTask)} a task: room for {room:#,0}; {more}{raise}, or fewer tasks");
    }
}

/// <summary>The tasks asked of a node cannot fit its limits; the message names the limit, the numbers and the ways out.</summary>
public sealed class CapacityException(string message) : Exception(message);
