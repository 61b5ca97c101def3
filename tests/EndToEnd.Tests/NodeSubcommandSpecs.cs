using System.Diagnostics;
using System.Text;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>
/// The orchestrator's <c>node</c> subcommand (how the actor-runner tool runs a node on another machine): the same
/// process becomes a task node with the node's own command line.
/// </summary>
public sealed class NodeSubcommandSpecs : IDisposable
{
    private const string Token = "node-subcommand";
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private Process StartNodeSubcommand(IEnumerable<string> arguments, StringBuilder output)
    {
        var folder = Path.Combine(_workspace.Folder, "node-subcommand");
        Directory.CreateDirectory(folder);
        var info = new ProcessStartInfo(Workspace.OrchestratorPath)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("node");
        foreach (var a in arguments) info.ArgumentList.Add(a);
        // Marks the process as this workspace's, for the no-process-left check.
        info.ArgumentList.Add("--log-file");
        info.ArgumentList.Add(Path.Combine(folder, "node.clef"));
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [Fact]
    public async Task A_node_started_with_the_node_subcommand_joins_and_the_run_is_verified()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--nodes", "1", "--remote-nodes", "1", "--tasks", "10", "--token", Token,
            "--set", "join-timeout=40s"], stdout, stderr);
        var address = await Workspace.AddressFrom(stdout);
        var log = new StringBuilder();
        using var node = StartNodeSubcommand(["--orchestrator", address, "--token", Token, "--node-id", "via-subcommand"], log);

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result + "\nnode:\n" + log);
        Assert.Contains("via-subcommand", result.Root.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.True(node.WaitForExit(10_000), "the node did not exit after the run");
        Assert.Equal(0, node.ExitCode);
        _workspace.AssertNothingLeft(result);
    }

    [Fact]
    public void A_bad_node_option_is_refused_by_the_node_parser_with_exit_code_2()
    {
        var log = new StringBuilder();
        using var node = StartNodeSubcommand(["--frobnicate"], log);

        Assert.True(node.WaitForExit(30_000), "the node did not exit");
        node.WaitForExit();
        Assert.Equal(2, node.ExitCode);
        Assert.Contains("--frobnicate", log.ToString());
    }
}
