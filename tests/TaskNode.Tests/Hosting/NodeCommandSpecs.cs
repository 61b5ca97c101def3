using ActorRunner.Messages;
using ActorRunner.TaskNode.Hosting;

namespace ActorRunner.TaskNode.Tests.Hosting;

/// <summary>The command line the orchestrator writes for a node (<see cref="NodeCommandLine"/>) is the one the node reads.</summary>
public sealed class NodeCommandSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("node-command-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<NodeOptions> Parse(IReadOnlyList<string> arguments)
    {
        NodeOptions? parsed = null;
        var code = await NodeCommand.Create((options, _) =>
        {
            parsed = options;
            return Task.FromResult(0);
        }).Parse(arguments.ToArray()).InvokeAsync();
        Assert.Equal(0, code);
        return parsed!;
    }

    [Fact]
    public async Task Every_value_the_orchestrator_writes_is_read_back_as_written()
    {
        var tls = (Cert: Path.Combine(_folder, "node.pem"), Key: Path.Combine(_folder, "node.key"), Ca: Path.Combine(_folder, "ca.pem"));
        foreach (var file in new[] { tls.Cert, tls.Key, tls.Ca }) File.WriteAllText(file, "");
        var line = new NodeCommandLine("akka.tcp://actor-runner@10.1.2.3:4053", "secret", "run-7", "node-3", "0.0.0.0", "h2.example",
            TimeSpan.FromSeconds(40), NodeCommandLine.StandardOutput, "debug", WatchStdin: true, Path.Combine(_folder, "My.dll"), tls);

        var options = await Parse(line.ToArguments());

        Assert.Equal(("10.1.2.3", 4053), (options.Orchestrator.Host, options.Orchestrator.Port));
        Assert.Equal(("secret", "run-7", "node-3", "0.0.0.0", "h2.example"), (options.Token, options.RunId, options.NodeId, options.Hostname, options.PublicHostname));
        Assert.Equal(TimeSpan.FromSeconds(40), options.JoinTimeout);
        Assert.Equal((NodeCommandLine.StandardOutput, "debug", true), (options.LogFile, options.LogLevel, options.WatchStdin));
        Assert.Equal(Path.Combine(_folder, "My.dll"), options.ScenarioAssembly);
        Assert.Equal(tls, options.Tls);
    }

    [Fact]
    public async Task What_a_local_node_is_not_given_keeps_its_default()
    {
        var line = new NodeCommandLine("akka.tcp://actor-runner@127.0.0.1:4053", "t", "run-1", "node-1", "127.0.0.1", null,
            TimeSpan.FromMilliseconds(1500), Path.Combine(_folder, "node-1.clef"), "information", WatchStdin: false);

        var options = await Parse(line.ToArguments());

        Assert.Null(options.PublicHostname);
        Assert.Null(options.Tls);
        Assert.Null(options.ScenarioAssembly);
        Assert.False(options.WatchStdin);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.JoinTimeout);
        Assert.Equal(Path.Combine(_folder, "node-1.clef"), options.LogFile);
    }
}
