using ActorRunner.Scenarios;
using ActorRunner.TaskNode.Capacity;
using ActorRunner.TaskNode.Tasks;

namespace ActorRunner.TaskNode.Tests.Capacity;

public sealed class NodeCapacitySpecs
{
    /// <summary>A machine like the one the figures were measured on, with every limit given.</summary>
    public static MachineLimits Machine(long descriptors = 20_000, long maps = 65_530, long pidMax = 32_768, long threadsInUse = 300,
        long memoryBytes = 24L * 1024 * 1024 * 1024) => new()
    {
        DescriptorsSoft = descriptors,
        DescriptorsHard = descriptors,
        UserThreads = long.MaxValue,
        UserThreadsInUse = 0,
        MapsPerProcess = maps,
        PidMax = pidMax,
        ThreadsMax = 192_730,
        ThreadsInUse = threadsInUse,
        MemoryAvailableBytes = memoryBytes,
    };

    private static readonly TaskCost SqliteUnderFileLock = TaskCost.For(fileLock: true, new TaskResources(1, 128 * 1024));

    [Fact]
    public void A_task_costs_a_thread_its_maps_its_descriptors_and_its_stack_with_the_scenarios_memory()
    {
        Assert.Equal(new TaskCost(2, 1, 4, TaskWorker.StackBytes + 128 * 1024), SqliteUnderFileLock);
        Assert.Equal(1, TaskCost.For(fileLock: false, new TaskResources(1, 0)).Descriptors);
        Assert.Equal(TaskResources.Unknown.Descriptors + 1, TaskCost.For(fileLock: true, TaskResources.Unknown).Descriptors);
    }

    [Fact]
    public void One_node_holds_what_its_descriptors_allow_after_the_nodes_own()
    {
        var (most, limit) = NodeCapacity.MostPerNode(NodeCapacity.ForPlannedNodes(Machine(), SqliteUnderFileLock));

        Assert.Equal((20_000 - NodeCost.Descriptors) / 2, most);
        Assert.Equal("RLIMIT_NOFILE", limit.Name);
    }

    [Fact]
    public void Memory_maps_set_the_most_a_node_holds_when_descriptors_are_plenty()
    {
        var (most, limit) = NodeCapacity.MostPerNode(NodeCapacity.ForPlannedNodes(Machine(descriptors: 1_000_000), SqliteUnderFileLock));

        Assert.Equal((65_530 - NodeCost.Maps) / TaskCost.MapsPerThread, most);
        Assert.Equal("vm.max_map_count", limit.Name);
    }

    [Fact]
    public void A_limit_that_cannot_be_read_holds_nothing_back()
    {
        var limit = new ResourceLimit("descriptors", "RLIMIT_NOFILE", long.MaxValue, 0, 256, 2, LimitScope.Process, null);

        Assert.Equal(long.MaxValue, limit.TasksThatFit(1));
    }

    [Theory]
    [InlineData(4, 7_500, 30_000, null)]               // 4 nodes of 7,500: every limit holds
    [InlineData(2, 15_000, 30_000, "RLIMIT_NOFILE")]   // 15,000 a node: 30,000 descriptors in one process
    [InlineData(5, 8_000, 40_000, "kernel.pid_max")]   // 40,000 threads on a machine of 32,768 ids
    public void The_first_limit_a_layout_exceeds_is_named(int nodes, long perNode, long total, string? exceeded)
    {
        var limits = NodeCapacity.ForPlannedNodes(Machine(), SqliteUnderFileLock);

        Assert.Equal(exceeded, NodeCapacity.FirstExceeded(limits, nodes, perNode, total)?.Name);
    }

    [Fact]
    public void Machine_wide_threads_count_what_runs_already_and_every_nodes_own()
    {
        var threads = NodeCapacity.ForPlannedNodes(Machine(threadsInUse: 2_768), SqliteUnderFileLock).Single(l => l.Name == "kernel.pid_max");

        Assert.Equal(32_768 - 2_768 - 4 * NodeCost.Threads, threads.TasksThatFit(4));
        Assert.Equal(2_768 + 4 * NodeCost.Threads + 30_000, threads.Needed(4, 30_000));
    }

    [Fact]
    public void Memory_is_counted_in_bytes_and_shown_in_mebibytes()
    {
        var memory = NodeCapacity.ForPlannedNodes(Machine(memoryBytes: 1024L * 1024 * 1024), SqliteUnderFileLock).Single(l => l.Resource == "memory");

        Assert.Equal((1024L * 1024 * 1024 - 2 * NodeCost.MemoryBytes) / SqliteUnderFileLock.MemoryBytes, memory.TasksThatFit(2));
        Assert.Equal("1,024 MiB", memory.Amount(memory.Value));
        Assert.Equal("384 KiB", memory.Amount(memory.PerTask));
    }

    [Fact]
    public void A_node_whose_share_fits_passes_its_check()
    {
        var limits = NodeCapacity.ForThisProcess(Machine(), SqliteUnderFileLock, new ProcessUsage(210, 22, 1_200));

        NodeCapacity.CheckShare("node-1", 9_000, limits);
    }

    [Fact]
    public void A_node_whose_share_does_not_fit_refuses_naming_the_limit_the_numbers_and_the_ways_out()
    {
        var limits = NodeCapacity.ForThisProcess(Machine(), SqliteUnderFileLock, new ProcessUsage(210, 22, 1_200));

        var refusal = Assert.Throws<CapacityException>(() => NodeCapacity.CheckShare("node-2", 15_000, limits));

        Assert.Equal("node node-2 cannot host its 15,000 tasks: RLIMIT_NOFILE allows 20,000 descriptors, 210 taken, 2 a task: room for 9,895; " +
                     "more nodes, raise the limit (ulimit -n 30210), or fewer tasks", refusal.Message);
    }

    [Fact]
    public void This_process_counts_against_its_soft_descriptor_limit_a_planned_node_against_the_hard_one()
    {
        var machine = Machine() with { DescriptorsSoft = 1_024, DescriptorsHard = 20_000 };

        Assert.Equal(1_024, NodeCapacity.ForThisProcess(machine, SqliteUnderFileLock, new ProcessUsage(0, 0, 0)).Single(l => l.Name == "RLIMIT_NOFILE").Value);
        Assert.Equal(20_000, NodeCapacity.ForPlannedNodes(machine, SqliteUnderFileLock).Single(l => l.Name == "RLIMIT_NOFILE").Value);
    }
}
