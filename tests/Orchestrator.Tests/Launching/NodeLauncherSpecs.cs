using ActorRunner.Orchestrator.Launching;
using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ActorRunner.Orchestrator.Tests.Launching;

/// <summary>The launcher with real processes: a stand-in node that reads its standard input until it closes, as a node does.</summary>
public sealed class NodeLauncherSpecs : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Runs until its standard input closes, then exits 0; never of itself.</summary>
    private static readonly NodeProgram ReadsUntilEof = new("/bin/sh", ["-c", "cat > /dev/null", "node"]);

    private (IActorRef Launcher, int Pid) StartOne(string nodeId)
    {
        var launcher = ChildActorOf(NodeLauncher.Props(ReadsUntilEof));
        launcher.Tell(new NodeLauncher.StartNodes([new NodeLauncher.NodeLaunch(nodeId, [])]));
        var started = ExpectMsg<NodeLauncher.NodeStarted>(Wait);
        Assert.Equal(nodeId, started.NodeId);
        return (launcher, started.Pid);
    }

    [Fact]
    public void A_node_not_yet_told_to_go_is_ended_through_its_standard_input_at_once_not_killed_at_the_end_of_the_grace()
    {
        var (launcher, _) = StartOne("node-1");

        launcher.Tell(new NodeLauncher.StopNodes(TimeSpan.FromSeconds(60), ["node-1"]));

        var exited = ExpectMsg<NodeLauncher.NodeExited>(Wait);
        Assert.Equal(("node-1", 0), (exited.NodeId, exited.ExitCode));
        Assert.Equal(0, ExpectMsg<NodeLauncher.AllNodesExited>(Wait).Killed);
    }

    [Fact]
    public void A_node_told_to_go_keeps_its_input_and_is_killed_only_when_the_grace_is_over()
    {
        var (launcher, pid) = StartOne("node-1");

        launcher.Tell(new NodeLauncher.StopNodes(TimeSpan.FromMilliseconds(500), []));

        // Still running inside the grace: its input was left open.
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.True(File.Exists($"/proc/{pid}/stat"), "the told node was ended before its grace was over");
        ExpectMsg<NodeLauncher.NodeExited>(Wait);
        Assert.Equal(1, ExpectMsg<NodeLauncher.AllNodesExited>(Wait).Killed);
    }

    [Fact]
    public void A_node_started_early_is_taken_over_not_started_again_and_told_go_on_its_input()
    {
        var heard = Path.Combine(Path.GetTempPath(), $"launcher-go-{Guid.NewGuid():N}");
        // Writes the first line of its input to the file named by its argument, then reads until its input closes.
        var program = new NodeProgram("/bin/sh", ["-c", "read line; echo \"$line\" > \"$0\"; cat > /dev/null"]);
        var launch = new NodeLauncher.NodeLaunch("node-1", [heard], AwaitGo: true);
        using var early = EarlyNodes.Start(program, [launch], Serilog.Core.Logger.None);
        var earlyPid = Assert.Single(early.Pids);
        try
        {
            var launcher = ChildActorOf(NodeLauncher.Props(program, early));
            launcher.Tell(new NodeLauncher.StartNodes([launch]));

            Assert.Equal(earlyPid, ExpectMsg<NodeLauncher.NodeStarted>(Wait).Pid);
            Assert.Empty(early.Pids);
            AwaitCondition(() => File.Exists(heard) && File.ReadAllText(heard) == "go\n", Wait);
            launcher.Tell(new NodeLauncher.StopNodes(Wait, ["node-1"]));
            Assert.Equal(("node-1", 0), (ExpectMsg<NodeLauncher.NodeExited>(Wait) is var exited ? (exited.NodeId, exited.ExitCode) : default));
        }
        finally
        {
            File.Delete(heard);
        }
    }
}
