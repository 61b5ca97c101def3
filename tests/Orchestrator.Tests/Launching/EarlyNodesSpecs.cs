using ActorRunner.Orchestrator.Launching;

namespace ActorRunner.Orchestrator.Tests.Launching;

/// <summary>Nodes started before the orchestrator listens, with real processes: a stand-in node that reads its input until it closes.</summary>
public sealed class EarlyNodesSpecs
{
    private static readonly NodeProgram ReadsUntilEof = new("/bin/sh", ["-c", "cat > /dev/null", "node"]);

    private static NodeLauncher.NodeLaunch Launch(string nodeId, params string[] arguments) => new(nodeId, arguments, AwaitGo: true);

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public void The_nodes_not_taken_over_are_killed_at_its_disposal_and_the_one_taken_over_is_left_to_its_new_owner()
    {
        var early = EarlyNodes.Start(ReadsUntilEof, [Launch("node-1"), Launch("node-2"), Launch("node-3")], Serilog.Core.Logger.None);
        Assert.Equal(3, early.Pids.Count);
        Assert.All(early.Pids, pid => Assert.True(Alive(pid)));

        using var taken = early.Take(Launch("node-2"));
        Assert.NotNull(taken);
        var left = early.Pids;
        Assert.Equal(2, left.Count);
        Assert.DoesNotContain(taken.Id, left);

        early.Dispose();

        Assert.Empty(early.Pids);
        Assert.All(left, pid => Assert.False(Alive(pid), $"node process {pid} outlived the disposal"));
        Assert.True(Alive(taken.Id), "the node taken over was ended with the others");
        taken.Kill();
        Assert.True(taken.WaitForExit(10_000));
    }

    [Fact]
    public void A_launch_with_another_command_line_does_not_take_the_node_started_early_and_that_node_is_killed()
    {
        using var early = EarlyNodes.Start(ReadsUntilEof, [Launch("node-1", "akka.tcp://actor-runner@127.0.0.1:4053")], Serilog.Core.Logger.None);
        var pid = Assert.Single(early.Pids);

        var taken = early.Take(Launch("node-1", "akka.tcp://actor-runner@127.0.0.1:4054"));

        Assert.Null(taken);
        Assert.Empty(early.Pids);
        Assert.False(Alive(pid), "the node started for another address was left running");
        Assert.Null(early.Take(Launch("node-1", "akka.tcp://actor-runner@127.0.0.1:4053")));
    }

    [Fact]
    public void A_node_that_was_not_started_early_is_not_there_to_take()
    {
        using var early = EarlyNodes.Start(ReadsUntilEof, [Launch("node-1")], Serilog.Core.Logger.None);

        Assert.Null(early.Take(Launch("node-9")));
        Assert.Single(early.Pids);
    }

    [Fact]
    public void Stopping_closes_each_nodes_input_and_kills_only_the_one_still_running_after_the_grace()
    {
        // One leaves when its input closes, as a node does; the other ignores its input.
        var leaves = EarlyNodes.Start(ReadsUntilEof, [Launch("node-1")], Serilog.Core.Logger.None);
        var stays = EarlyNodes.Start(new NodeProgram("/bin/sh", ["-c", "exec sleep 60", "node"]), [Launch("node-2")], Serilog.Core.Logger.None);
        var (leaving, staying) = (Assert.Single(leaves.Pids), Assert.Single(stays.Pids));

        Assert.Equal(0, leaves.Stop(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, stays.Stop(TimeSpan.FromMilliseconds(300)));

        Assert.False(Alive(leaving), "the node whose input closed is still running");
        Assert.False(Alive(staying), "the node still running after the grace was not killed");
        Assert.Empty(leaves.Pids);
        Assert.Null(leaves.Take(Launch("node-1")));
    }

    [Fact]
    public void A_free_port_can_be_bound_right_after_on_an_address_or_a_name()
    {
        var port = EarlyNodes.FreePort("127.0.0.1");

        Assert.InRange(port, 1, 65535);
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start();
        listener.Stop();
        Assert.InRange(EarlyNodes.FreePort("localhost"), 1, 65535);
    }
}
