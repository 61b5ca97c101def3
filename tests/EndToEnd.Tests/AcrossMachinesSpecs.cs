using System.Diagnostics;
using System.Text;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>
/// Machines simulated on this one: nodes started by hand, each from its own folder, bound to other loopback
/// addresses (127.0.0.2, 127.0.0.3), join an orchestrator on 127.0.0.1 by its address and the token.
/// </summary>
public sealed class AcrossMachinesSpecs : IDisposable
{
    private const string Token = "e2e-shared-secret";
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Remote_nodes_join_by_address_and_token_and_verify_several_loops_with_the_orchestrator_lock()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--nodes", "0", "--remote-nodes", "2", "--tasks", "20", "--loops", "3",
            "--lock", "orchestrator", "--token", Token, "--set", "join-timeout=40s"], stdout, stderr);
        var address = await Workspace.AddressFrom(stdout);
        var logs = new StringBuilder();
        using var a = _workspace.StartNode(["--orchestrator", address, "--token", Token, "--hostname", "127.0.0.2", "--node-id", "host-a"], logs);
        using var b = _workspace.StartNode(["--orchestrator", address, "--token", Token, "--hostname", "127.0.0.3", "--node-id", "host-b"], logs);

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result + "\nnodes:\n" + logs);
        var nodes = result.Root.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["127.0.0.2", "127.0.0.3"], nodes.Select(n => n.GetProperty("host").GetString()).Order());
        Assert.All(nodes, n => Assert.False(n.GetProperty("local").GetBoolean()));
        Assert.All(nodes, n => Assert.True(n.TryGetProperty("clockOffsetMs", out _)));
        Assert.Equal(3, result.Root.GetProperty("loops").GetArrayLength());
        Assert.All(result.Root.GetProperty("loops").EnumerateArray(), l => Assert.Equal("verified", l.GetProperty("verdict").GetString()));
        Assert.True(a.WaitForExit(10_000) && b.WaitForExit(10_000), "remote nodes did not exit after the run");
        Assert.Equal(0, a.ExitCode);
    }

    [Fact]
    public async Task Local_and_remote_nodes_mix_and_a_node_with_a_wrong_token_is_refused_while_the_run_goes_on()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--nodes", "1", "--remote-nodes", "1", "--tasks", "10",
            "--token", Token, "--set", "join-timeout=40s"], stdout, stderr);
        var address = await Workspace.AddressFrom(stdout);
        var strangerLog = new StringBuilder();
        using var stranger = _workspace.StartNode(["--orchestrator", address, "--token", "wrong", "--hostname", "127.0.0.2", "--node-id", "stranger"], strangerLog);
        Assert.True(stranger.WaitForExit(30_000), "the refused node did not exit");
        stranger.WaitForExit();
        Assert.Equal(2, stranger.ExitCode);
        Assert.Contains("wrong token", strangerLog.ToString());

        var logs = new StringBuilder();
        using var remote = _workspace.StartNode(["--orchestrator", address, "--token", Token, "--hostname", "127.0.0.3", "--node-id", "host-b"], logs);
        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result + "\nnode:\n" + logs);
        var nodes = result.Root.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(2, nodes.Count);
        Assert.Contains(nodes, n => n.GetProperty("local").GetBoolean());
        Assert.Contains(nodes, n => n.GetProperty("id").GetString() == "host-b");
        Assert.Contains("wrong token", result.Stderr);
    }

    [Fact]
    public async Task A_join_timeout_says_how_many_nodes_came_and_which_are_missing()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--nodes", "0", "--remote-nodes", "2", "--tasks", "4", "--token", Token,
            "--set", "join-timeout=12s"], stdout, stderr);
        var address = await Workspace.AddressFrom(stdout);
        var logs = new StringBuilder();
        using var only = _workspace.StartNode(["--orchestrator", address, "--token", Token, "--hostname", "127.0.0.2", "--node-id", "host-a"], logs);

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(40));

        Assert.True(result.ExitCode == 3, result.ToString());
        var reason = result.Root.GetProperty("abortReason").GetString()!;
        Assert.Contains("1 of 2 remote nodes", reason);
        Assert.Contains("host-a@127.0.0.2", reason);
        Assert.True(only.WaitForExit(15_000), "the node that came did not exit");
    }

    [Fact]
    public async Task A_remote_node_killed_mid_loop_is_seen_through_the_watch_and_ends_the_loop_inconclusive()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--nodes", "0", "--remote-nodes", "2", "--tasks", "4", "--token", Token,
            "--release-delay", "30s", "--set", "join-timeout=40s"], stdout, stderr);
        var address = await Workspace.AddressFrom(stdout);
        var logs = new StringBuilder();
        using var a = _workspace.StartNode(["--orchestrator", address, "--token", Token, "--hostname", "127.0.0.2", "--node-id", "host-a"], logs);
        using var b = _workspace.StartNode(["--orchestrator", address, "--token", Token, "--hostname", "127.0.0.3", "--node-id", "host-b"], logs);
        Assert.True(await Processes.Eventually(() => { lock (stdout) return stdout.ToString().Contains("(2/2,"); }, TimeSpan.FromSeconds(40)),
            $"nodes never joined:\n{stdout}\n{logs}");
        var killed = Stopwatch.StartNew();
        b.Kill();

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(40));

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(15), $"took {killed.Elapsed} to end after the kill");
        var loop = Assert.Single(result.Root.GetProperty("loops").EnumerateArray());
        Assert.Equal("inconclusive", loop.GetProperty("verdict").GetString());
        Assert.Contains(loop.GetProperty("findings").EnumerateArray(), f => f.GetString()!.Contains("host-b"));
    }

    [Fact]
    public async Task A_node_given_an_address_nobody_answers_at_retries_then_exits_naming_it()
    {
        var logs = new StringBuilder();
        using var node = _workspace.StartNode(["--orchestrator", "akka.tcp://actor-runner@localhost:9", "--token", Token,
            "--join-timeout", "3s"], logs);

        Assert.True(node.WaitForExit(20_000), "the node kept trying past its join timeout");
        node.WaitForExit(); // drains its output
        Assert.Equal(3, node.ExitCode);
        Assert.Contains("akka.tcp://actor-runner@localhost:9", logs.ToString());
        Assert.Contains("use exactly that", logs.ToString());
    }

    [Theory]
    [InlineData("--join-timeout", "soon", "--join-timeout: 'soon' is not a duration like 30s")]
    [InlineData("--join-timeout", "100000d", "--join-timeout: '100000d' is too long: at most 24 days")]
    [InlineData("--orchestrator", "nowhere", "--orchestrator: 'nowhere' is not an address like akka.tcp://actor-runner@127.0.0.1:4053")]
    public void A_node_given_a_bad_value_says_so_in_one_line_and_exits_with_code_2(string option, string value, string error)
    {
        var output = new StringBuilder();
        var arguments = new List<string> { "--orchestrator", "akka.tcp://actor-runner@127.0.0.1:9", "--token", Token };
        var at = arguments.IndexOf(option);
        if (at >= 0) arguments[at + 1] = value;
        else arguments.AddRange([option, value]);
        using var node = _workspace.StartNode(arguments, output);

        Assert.True(node.WaitForExit(20_000), "the node did not exit");
        node.WaitForExit(); // drains its output
        Assert.Equal(2, node.ExitCode);
        Assert.Equal($"actor-runner-node: {error}", output.ToString().Trim());
    }

    [Fact]
    public async Task A_node_started_before_the_orchestrator_keeps_trying_and_joins_when_it_comes()
    {
        var port = FreePort();
        var address = $"akka.tcp://actor-runner@127.0.0.1:{port}";
        var logs = new StringBuilder();
        using var early = _workspace.StartNode(["--orchestrator", address, "--token", Token, "--hostname", "127.0.0.2", "--node-id", "early"], logs);
        // Refused, gated, and tried again: it keeps trying.
        Assert.True(await Processes.Eventually(() => Attempts(early) >= 2, TimeSpan.FromSeconds(20)),
            "the node did not try again after its first attempt was refused:\n" + logs);
        Assert.False(early.HasExited, "the node gave up before its join timeout:\n" + logs);

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--nodes", "0", "--remote-nodes", "1", "--tasks", "4", "--token", Token,
            "--port", port.ToString(), "--lock", "orchestrator"], stdout, stderr);
        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result + "\nnode:\n" + logs);
        Assert.Equal("early", result.Root.GetProperty("nodes")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_remote_node_that_comes_late_within_the_join_timeout_is_waited_for()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--nodes", "1", "--remote-nodes", "1", "--tasks", "6", "--token", Token,
            "--set", "join-timeout=30s"], stdout, stderr);
        var address = await Workspace.AddressFrom(stdout);
        // The local node joins; the orchestrator then waits on the remote one, which comes Lateness later.
        Assert.True(await Processes.Eventually(() => { lock (stdout) return stdout.ToString().Contains("(1/2,"); }, TimeSpan.FromSeconds(40)),
            $"the local node never joined:\n{stdout}\n{stderr}");
        await Task.Delay(Lateness);
        var logs = new StringBuilder();
        using var late = _workspace.StartNode(["--orchestrator", address, "--token", Token, "--hostname", "127.0.0.3", "--node-id", "late"], logs);

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result + "\nnode:\n" + logs);
        var lateNode = result.Root.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == "late");
        Assert.True(lateNode.GetProperty("joinMs").GetDouble() > Lateness.TotalMilliseconds, "the late node's join time does not show its lateness");
    }

    /// <summary>How late the late node comes after the local one joined: what that test is about, not a wait for a state.</summary>
    private static readonly TimeSpan Lateness = TimeSpan.FromSeconds(5);

    /// <summary>How often a node started by hand has tried to reach an orchestrator that was not there (its log: Akka.Remote's warning each time).</summary>
    private static int Attempts(Process node)
    {
        var arguments = node.StartInfo.ArgumentList;
        var log = arguments[arguments.IndexOf("--log-file") + 1];
        try
        {
            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n').Count(line => line.Contains("Tried to associate with unreachable remote address", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return 0; // not written yet (the log is buffered)
        }
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
