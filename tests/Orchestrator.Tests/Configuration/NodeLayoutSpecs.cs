using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Scenarios;
using ActorRunner.TaskNode.Capacity;

namespace ActorRunner.Orchestrator.Tests.Configuration;

public sealed class NodeLayoutSpecs
{
    /// <summary>This project's machine: 20,000 descriptors a process, 65,530 maps, 32,768 thread ids, 23 GiB free.</summary>
    private static MachineLimits Machine(long descriptors = 20_000, long threadsInUse = 300) => new()
    {
        DescriptorsSoft = descriptors,
        DescriptorsHard = descriptors,
        UserThreads = long.MaxValue,
        UserThreadsInUse = 0,
        MapsPerProcess = 65_530,
        PidMax = 32_768,
        ThreadsMax = 192_730,
        ThreadsInUse = threadsInUse,
        MemoryAvailableBytes = 23L * 1024 * 1024 * 1024,
    };

    /// <summary>sqlite-counter under the file lock: two descriptors a task.</summary>
    private static IReadOnlyList<ResourceLimit> Limits(long descriptors = 20_000, long threadsInUse = 300) =>
        NodeCapacity.ForPlannedNodes(Machine(descriptors, threadsInUse), TaskCost.For(fileLock: true, new TaskResources(1, 128 * 1024)));

    private static NodeLayout Plan(int tasks, int? nodes = null, int? perNode = null, int remote = 0, int cores = 2, long descriptors = 20_000) =>
        NodeLayout.Plan(new LayoutRequest(tasks, nodes, perNode, remote, cores), Limits(descriptors));

    [Theory]
    [InlineData(100, 2, 2, 50)]
    [InlineData(1, 2, 1, 1)]
    [InlineData(10_000, 2, 2, 5_000)]
    [InlineData(100, 8, 8, 13)]
    public void By_default_one_node_per_core_at_least_two_when_the_tasks_fit(int tasks, int cores, int nodes, int perNode)
    {
        var layout = Plan(tasks, cores: cores);

        Assert.Equal((nodes, perNode, (string?)null), (layout.Nodes, layout.TasksPerNode, layout.Note));
    }

    [Fact]
    public void By_default_more_nodes_when_one_per_core_would_overfill_them_and_it_says_why()
    {
        // One node holds (20,000 - 256) / 2 = 9,872 tasks; the default fills it to 90%: 8,884.
        var layout = Plan(30_000);

        Assert.Equal(4, layout.Nodes);
        Assert.Equal(7_500, layout.TasksPerNode);
        Assert.Equal("layout: 4 node processes of up to 7,500 tasks (not one per core): one node holds at most 9,872 here " +
                     "(RLIMIT_NOFILE 20,000 descriptors, 2 a task, 256 for the node itself); the default fills a node to 90%", layout.Note);
    }

    [Theory]
    [InlineData(20_000, 3)]   // 6,667 a node
    [InlineData(17_768, 2)]   // 8,884 a node: exactly 90%
    [InlineData(17_769, 3)]
    public void The_default_never_fills_a_node_past_the_margin(int tasks, int nodes)
    {
        var layout = Plan(tasks);

        Assert.Equal(nodes, layout.Nodes);
        Assert.True(layout.TasksPerNode <= (int)(9_872 * NodeLayout.Margin));
    }

    [Fact]
    public void A_given_layout_that_fits_is_kept_even_past_the_margin()
    {
        var layout = Plan(9_872, nodes: 1);

        Assert.Equal((1, 9_872, (string?)null), (layout.Nodes, layout.TasksPerNode, layout.Note));
    }

    [Fact]
    public void A_given_layout_that_cannot_fit_is_refused_in_one_line_naming_the_limit_the_numbers_and_the_ways_out()
    {
        var error = Assert.Throws<SettingsError>(() => Plan(30_000, nodes: 1));

        Assert.Equal("30,000 tasks on 1 node process is 30,000 a node, more than one node holds here: RLIMIT_NOFILE allows 20,000 descriptors " +
                     "a process (2 a task, 256 for the node itself): room for 9,872 tasks a node; use more nodes (--nodes 4), " +
                     "raise the limit (ulimit -n 60256) or fewer tasks (--tasks 9872)", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Tasks_per_node_given_too_high_is_refused_with_the_most_a_node_holds()
    {
        var error = Assert.Throws<SettingsError>(() => Plan(30_000, perNode: 15_000));

        Assert.Contains("room for 9,872 tasks a node", error.Message);
        Assert.Contains("--tasks-per-node 9872", error.Message);
    }

    [Fact]
    public void A_lowered_descriptor_limit_is_what_is_planned_against()
    {
        Assert.Equal(4, Plan(600, descriptors: 600).Nodes);   // (600 - 256) / 2 = 172 a node, 154 by default
        var error = Assert.Throws<SettingsError>(() => Plan(30_000, nodes: 1, descriptors: 4_000));
        Assert.Contains("RLIMIT_NOFILE allows 4,000 descriptors", error.Message);
        Assert.Contains("--nodes 17", error.Message);
    }

    [Fact]
    public void Too_many_tasks_for_the_machines_threads_are_refused_whatever_the_layout()
    {
        var error = Assert.Throws<SettingsError>(() => NodeLayout.Plan(new LayoutRequest(40_000, null, null, 0, 2), Limits()));

        Assert.StartsWith("40,000 tasks in 5 node processes need 40,160 threads, more than this machine has: kernel.pid_max allows 32,768, 300 taken", error.Message);
        Assert.Contains("--remote-nodes", error.Message);
        Assert.Contains("sysctl -w kernel.pid_max=40460", error.Message);
    }

    [Fact]
    public void Remote_nodes_check_their_own_share()
    {
        var layout = NodeLayout.Plan(new LayoutRequest(30_000, 0, null, 1, 2), Limits(descriptors: 100));

        Assert.Equal((0, 30_000), (layout.Nodes, layout.TasksPerNode));
    }

    [Theory]
    [InlineData(10, 2, 3, "actor-runner.tasks-per-node")]
    [InlineData(2, 3, null, "actor-runner.nodes")]
    public void The_count_errors_stay_as_they_were(int tasks, int nodes, int? perNode, string named)
    {
        var error = Assert.Throws<SettingsError>(() => Plan(tasks, nodes, perNode));

        Assert.StartsWith(named, error.Message);
    }
}
