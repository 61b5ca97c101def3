using System.Diagnostics;
using System.Text;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>
/// The layout against the machine's limits, with the descriptor limit lowered for the orchestrator (and so for the
/// nodes it starts): a layout that cannot fit is refused before any node starts; the default one fits.
/// </summary>
public sealed class ScaleSpecs : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    /// <summary>Runs the orchestrator under <c>ulimit -n</c> (soft and hard) of <paramref name="descriptors"/>.</summary>
    private async Task<RunResult> RunWithDescriptorLimit(int descriptors, TimeSpan limit, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = _workspace.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-c", $"ulimit -n {descriptors} && exec \"$@\"", "bash", Workspace.OrchestratorPath })
            info.ArgumentList.Add(a);
        foreach (var a in arguments.Concat(["--out", _workspace.Runs])) info.ArgumentList.Add(a);
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return await _workspace.Finish(process, stdout, stderr, limit);
    }

    [Fact]
    public async Task A_layout_that_cannot_fit_is_refused_before_any_node_starts_naming_the_limit()
    {
        var result = await RunWithDescriptorLimit(4000, TimeSpan.FromSeconds(30), "--nodes", "1", "--tasks", "30000");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("RLIMIT_NOFILE allows 4,000 descriptors", line);
        Assert.Contains("30,000 a node", line);
        Assert.Contains("--nodes", line);
        Assert.Contains("ulimit -n", line);
        Assert.Contains("--tasks", line);
        Assert.Empty(result.Stdout);
        Assert.False(Directory.Exists(_workspace.Runs), "a run folder was created for a run that never started");
        Assert.Empty(_workspace.ProcessesStillRunning());
    }

    [Fact]
    public async Task The_default_layout_puts_no_more_tasks_on_a_node_than_its_descriptors_allow_and_says_so()
    {
        // One node holds (600 - 256) / 2 = 172 of these tasks, 154 by default: 4 nodes of 150, not 2 of 300.
        var result = await RunWithDescriptorLimit(600, TimeSpan.FromSeconds(120), "--tasks", "600", "--lock-timeout", "60s");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("600 tasks on 4 node processes", result.Stdout);
        Assert.Single(result.Stdout.Split('\n'), l => l.StartsWith("layout: 4 node processes of up to 150 tasks", StringComparison.Ordinal));
        Assert.Equal(4, result.Root.GetProperty("nodes").GetArrayLength());
        Assert.All(result.Root.GetProperty("nodes").EnumerateArray(), n => Assert.Equal(150, n.GetProperty("tasks").GetInt32()));
        _workspace.AssertNothingLeft(result);
    }
}
