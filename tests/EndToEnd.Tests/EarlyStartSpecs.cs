using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>
/// The local nodes start while the orchestrator starts (<c>--await-go</c>): a node so started brings up its own actor
/// system but contacts no one until told "go" on its standard input, and ends when that input closes.
/// </summary>
public sealed class EarlyStartSpecs : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_node_awaiting_go_contacts_the_orchestrators_address_only_once_told_and_ends_when_its_input_closes()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var log = Path.Combine(_workspace.Folder, "waiting.clef");
            var info = new ProcessStartInfo(Workspace.NodePath)
            {
                WorkingDirectory = _workspace.Folder,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--orchestrator", $"akka.tcp://actor-runner@127.0.0.1:{port}", "--node-id", "waiting", "--join-timeout", "60s",
                         "--watch-stdin", "--await-go", "--log-file", log })
                info.ArgumentList.Add(a);
            var output = new StringBuilder();
            using var node = new Process { StartInfo = info };
            node.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            node.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            node.Start();
            node.BeginOutputReadLine();
            node.BeginErrorReadLine();

            Assert.True(await Processes.Eventually(() => File.Exists(log) && ReadShared(log).Contains("Remoting started"), TimeSpan.FromSeconds(60)),
                $"the node's actor system never started:\n{output}");
            // Its actor system is up and it waits: nothing has tried the orchestrator's port.
            await Task.Delay(1000);
            Assert.False(listener.Pending(), "the node contacted the orchestrator before it was told to go");

            node.StandardInput.WriteLine("go");
            node.StandardInput.Flush();
            using var contact = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var client = await listener.AcceptTcpClientAsync(contact.Token);

            node.StandardInput.Close();
            Assert.True(node.WaitForExit(30_000), $"the node outlived its closed input:\n{output}");
            Assert.Equal(3, node.ExitCode);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task The_orchestrator_killed_while_its_nodes_start_leaves_no_node_behind()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--tasks", "4", "--nodes", "2"], stdout, stderr);
        Assert.True(await Processes.Eventually(() => Processes.Mentioning(_workspace.Folder).Count(pid => pid != orchestrator.Id) == 2,
            TimeSpan.FromSeconds(60)), $"the nodes never started:\n{stdout}\n{stderr}");
        var nodes = Processes.Mentioning(_workspace.Folder).Where(pid => pid != orchestrator.Id).ToList();

        orchestrator.Kill();

        Assert.True(await Processes.Eventually(() => nodes.All(pid => !Processes.IsAlive(pid)), TimeSpan.FromSeconds(10)),
            "a node outlived its orchestrator by more than 10 s");
    }

    [Fact]
    public async Task A_port_picked_for_the_orchestrator_and_taken_before_it_binds_ends_its_early_nodes_and_the_run_goes_on_on_another_port()
    {
        // Another process (this test) holds the port the orchestrator picks, as if it had taken it between the pick and the bind.
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            using var orchestrator = _workspace.Start(["--tasks", "4", "--nodes", "2"], stdout, stderr,
                new Dictionary<string, string> { ["ACTOR_RUNNER_PICKED_PORT"] = port.ToString() });
            var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(120));

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("verified", result.Root.GetProperty("verdict").GetString());
            Assert.Equal(2, result.Root.GetProperty("nodes").GetArrayLength());
            var address = await Workspace.AddressFrom(stdout);
            Assert.DoesNotContain($":{port}", address);
            // The early nodes were never told to go: none of them contacted the port they were started for.
            Assert.False(taken.Pending(), "a node started for the taken port contacted it");
            // One warning, on the console and, structured, in the log; nothing of the failed bind itself, no stack trace.
            var lines = (result.Stdout + result.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(port.ToString(), Assert.Single(lines, l => l.Contains("taken")));
            Assert.DoesNotContain(lines, l => !l.Contains("taken") && (l.Contains("bind", StringComparison.OrdinalIgnoreCase) ||
                l.Contains("failed to start") || l.Contains("Unable to start") || l.Contains("Exception") || l.TrimStart().StartsWith("at ")));
            var warnings = File.ReadLines(Path.Combine(result.RunFolder!, "logs", "orchestrator.clef"))
                .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
                .Where(e => e.TryGetProperty("@l", out var level) && level.GetString() == "Warning" && e.GetProperty("@mt").GetString()!.Contains("taken"))
                .ToList();
            var warning = Assert.Single(warnings);
            Assert.Equal(port, warning.GetProperty("Port").GetInt32());
            Assert.Equal(result.Root.GetProperty("runId").GetString(), warning.GetProperty("RunId").GetString());
            _workspace.AssertNothingLeft(result);
        }
        finally
        {
            taken.Stop();
        }
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}
