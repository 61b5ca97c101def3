using ActorRunner.Messages;
using ActorRunner.TaskNode.Hosting;

namespace ActorRunner.TaskNode.Tests.Hosting;

/// <summary>The command line the orchestrator writes for a node (<see cref="NodeCommandLine"/>) is the one the node reads.</summary>
public sealed class NodeCommandSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("node-command-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<NodeCommandLine> Parse(IReadOnlyList<string> arguments)
    {
        NodeCommandLine? parsed = null;
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
            TimeSpan.FromSeconds(40), NodeCommandLine.StandardOutput, "debug", WatchStdin: true, Path.Combine(_folder, "My.dll"), tls,
            Path.Combine(_folder, "counter.db"), Path.Combine(_folder, "counter.lock"), AwaitGo: true);

        // Every field is set, so a field the line does not write or the parser does not read shows up here.
        foreach (var property in typeof(NodeCommandLine).GetProperties())
        {
            var value = property.GetValue(line);
            Assert.False(value is null || value.Equals(property.PropertyType.IsValueType ? Activator.CreateInstance(property.PropertyType) : null),
                $"the sample leaves {property.Name} at its default");
        }

        var options = await Parse(line.ToArguments());

        Assert.Equal(line, options);
    }

    [Fact]
    public void The_parser_declares_every_option_the_line_names()
    {
        var declared = NodeCommand.Create((_, _) => Task.FromResult(0)).Options.Select(o => o.Name).ToHashSet();
        var named = typeof(NodeCommandLine.Names).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.NotEmpty(named);
        foreach (var name in named) Assert.Contains(name, declared);
    }

    [Fact]
    public async Task Relative_paths_are_read_as_full_ones_and_the_address_in_its_own_form()
    {
        var options = await Parse(["--orchestrator", "akka.tcp://actor-runner@10.1.2.3:4053/", "--db", "shared/counter.db", "--lock-file", "counter.lock"]);

        Assert.Equal("akka.tcp://actor-runner@10.1.2.3:4053", options.Orchestrator);
        Assert.Equal((Path.GetFullPath("shared/counter.db"), Path.GetFullPath("counter.lock")), (options.Db, options.LockFile));
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
        Assert.Null(options.Db);
        Assert.Null(options.LockFile);
        Assert.False(options.WatchStdin);
        Assert.False(options.AwaitGo);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.JoinTimeout);
        Assert.Equal(Path.Combine(_folder, "node-1.clef"), options.LogFile);
    }

    [Fact]
    public async Task Awaiting_go_without_watching_standard_input_is_refused_naming_both_options()
    {
        var parse = NodeCommand.Create((_, _) => Task.FromResult(0))
            .Parse(["--orchestrator", "akka.tcp://actor-runner@127.0.0.1:4053", NodeCommandLine.Names.AwaitGo]);

        var refused = await Assert.ThrowsAsync<NodeUsageError>(() => parse.InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false }));

        Assert.Contains(NodeCommandLine.Names.AwaitGo, refused.Message);
        Assert.Contains(NodeCommandLine.Names.WatchStdin, refused.Message);
    }
}
