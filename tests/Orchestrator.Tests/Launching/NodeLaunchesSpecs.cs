using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Launching;

namespace ActorRunner.Orchestrator.Tests.Launching;

public sealed class NodeLaunchesSpecs
{
    private const string Address = "akka.tcp://actor-runner@127.0.0.1:4053";

    private static readonly RunContext Run = new("run-launch", "token-launch", "/runs/r", "/runs/r/counter.db", "/runs/r/counter.lock",
        "/runs/r/report.json", "/runs/r/logs", 0);

    private static readonly RunSettings Settings = SettingsLoader.Load([]).Settings with
    {
        RemoteLaunch = "ssh {host} dotnet /opt/node/ActorRunner.TaskNode.dll {args}",
    };

    /// <summary>The value that follows <paramref name="option"/> in <paramref name="arguments"/>.</summary>
    private static string ValueOf(IReadOnlyList<string> arguments, string option)
    {
        var at = arguments.ToList().IndexOf(option);
        Assert.True(at >= 0 && at + 1 < arguments.Count, $"{option} is given a value");
        return arguments[at + 1];
    }

    [Fact]
    public void A_local_node_runs_the_program_beside_this_one_on_loopback_logging_to_the_runs_logs_folder()
    {
        var launch = NodeLaunches.For(Settings, Run, "node-2", launchedOn: null, Address);

        Assert.Equal("node-2", launch.NodeId);
        Assert.Null(launch.Command);
        Assert.Null(launch.OutputLog);
        Assert.Equal(Address, ValueOf(launch.Arguments, NodeCommandLine.Names.Orchestrator));
        Assert.Equal("token-launch", ValueOf(launch.Arguments, NodeCommandLine.Names.Token));
        Assert.Equal("run-launch", ValueOf(launch.Arguments, NodeCommandLine.Names.RunId));
        Assert.Equal("node-2", ValueOf(launch.Arguments, NodeCommandLine.Names.NodeId));
        Assert.Equal("127.0.0.1", ValueOf(launch.Arguments, NodeCommandLine.Names.Hostname));
        Assert.Equal("/runs/r/logs/node-2.clef", ValueOf(launch.Arguments, NodeCommandLine.Names.LogFile));
        Assert.DoesNotContain(NodeCommandLine.Names.PublicHostname, launch.Arguments);
        // It may be started before the orchestrator listens: it joins when the launcher tells it to.
        Assert.True(launch.AwaitGo);
        Assert.Contains(NodeCommandLine.Names.AwaitGo, launch.Arguments);
        Assert.Contains(NodeCommandLine.Names.WatchStdin, launch.Arguments);
    }

    [Fact]
    public void A_remote_node_is_started_through_the_template_on_its_host_and_its_log_comes_back_on_its_output()
    {
        var launch = NodeLaunches.For(Settings, Run, "node-3", launchedOn: "me@far-host", Address);

        Assert.Equal("0.0.0.0", ValueOf(launch.Arguments, NodeCommandLine.Names.Hostname));
        Assert.Equal("far-host", ValueOf(launch.Arguments, NodeCommandLine.Names.PublicHostname));
        Assert.Equal(NodeCommandLine.StandardOutput, ValueOf(launch.Arguments, NodeCommandLine.Names.LogFile));
        Assert.Equal("/runs/r/logs/node-3.clef", launch.OutputLog);
        Assert.False(launch.AwaitGo);
        Assert.DoesNotContain(NodeCommandLine.Names.AwaitGo, launch.Arguments);
        Assert.Equal(["ssh", "me@far-host", "dotnet", "/opt/node/ActorRunner.TaskNode.dll", .. launch.Arguments], launch.Command);
    }
}
