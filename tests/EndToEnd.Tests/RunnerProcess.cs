using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>The outcome of one real orchestrator process.</summary>
public sealed record RunResult(int ExitCode, string Stdout, string Stderr, string? RunFolder, JsonDocument? Report)
{
    public JsonElement Root => Report?.RootElement ?? throw new InvalidOperationException($"no report.json; stdout:\n{Stdout}\nstderr:\n{Stderr}");
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>A temporary working folder for one test, with the built orchestrator started as a real process in it.</summary>
public sealed class Workspace : IDisposable
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(90);

    public Workspace()
    {
        Folder = Path.Combine(Path.GetTempPath(), "actor-runner-e2e-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }
    public string Runs => Path.Combine(Folder, "runs");

    /// <summary>The orchestrator's build folder (with the node program beside it), as the build recorded it.</summary>
    public static string AppFolder => typeof(Workspace).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "AppFolder").Value!;

    public static string OrchestratorPath => Path.Combine(AppFolder, "ActorRunner.Orchestrator");
    public static string NodePath => Path.Combine(AppFolder, "ActorRunner.TaskNode");

    /// <summary>Starts a task node by hand, as on another machine: in its own folder, with only what a user would give it.</summary>
    public Process StartNode(IEnumerable<string> arguments, StringBuilder output)
    {
        var folder = Path.Combine(Folder, "node-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        var info = new ProcessStartInfo(NodePath)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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

    /// <summary>The orchestrator's address, as it printed it.</summary>
    public static async Task<string> AddressFrom(StringBuilder stdout)
    {
        string? address = null;
        Assert.True(await Processes.Eventually(() =>
        {
            lock (stdout)
            {
                var m = System.Text.RegularExpressions.Regex.Match(stdout.ToString(), @"orchestrator at (akka(?:\.ssl)?\.tcp://\S+?);");
                address = m.Success ? m.Groups[1].Value : null;
            }
            return address is not null;
        }, TimeSpan.FromSeconds(30)), $"the orchestrator printed no address:\n{stdout}");
        return address!;
    }

    /// <summary>
    /// Starts the orchestrator with these arguments (and --out in this workspace); through <paramref name="through"/>
    /// when given (a command that runs the orchestrator, e.g. ip netns exec NAME).
    /// </summary>
    public Process Start(IEnumerable<string> arguments, StringBuilder stdout, StringBuilder stderr,
        IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? through = null)
    {
        var info = new ProcessStartInfo(through is { Count: > 0 } ? through[0] : OrchestratorPath)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        if (through is { Count: > 0 })
        {
            foreach (var word in through.Skip(1)) info.ArgumentList.Add(word);
            info.ArgumentList.Add(OrchestratorPath);
        }
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--out");
        info.ArgumentList.Add(Runs);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs the orchestrator to its end, killing it (and failing) past the limit.</summary>
    public async Task<RunResult> Run(params string[] arguments) => await Run(DefaultLimit, arguments);

    public async Task<RunResult> Run(TimeSpan limit, params string[] arguments)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = Start(arguments, stdout, stderr);
        return await Finish(process, stdout, stderr, limit);
    }

    public async Task<RunResult> Finish(Process process, StringBuilder stdout, StringBuilder stderr, TimeSpan limit)
    {
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the orchestrator did not end within {limit.TotalSeconds} s\nstdout:\n{stdout}\nstderr:\n{stderr}");
        }
        process.WaitForExit();
        var folder = Directory.Exists(Runs) ? Directory.GetDirectories(Runs).OrderBy(d => d).LastOrDefault() : null;
        var reportPath = folder is null ? null : Path.Combine(folder, "report.json");
        var report = reportPath is not null && File.Exists(reportPath) ? JsonDocument.Parse(File.ReadAllText(reportPath)) : null;
        return new RunResult(process.ExitCode, stdout.ToString(), stderr.ToString(), folder, report);
    }

    /// <summary>Processes whose command line mentions this workspace (the nodes pass their log path in it).</summary>
    public IReadOnlyList<int> ProcessesStillRunning() => Processes.Mentioning(Folder);

    /// <summary>Waits until the orchestrator's console says both of its two nodes are ready.</summary>
    public static async Task BothNodesReady(StringBuilder stdout, StringBuilder stderr) =>
        Assert.True(await Processes.Eventually(() => { lock (stdout) return stdout.ToString().Contains("(2/2,"); }, TimeSpan.FromSeconds(40)),
            $"nodes never joined:\n{stdout}\n{stderr}");

    /// <summary>No node of the run, and no process started in this workspace, outlived the run.</summary>
    public void AssertNothingLeft(RunResult result)
    {
        foreach (var node in result.Root.GetProperty("nodes").EnumerateArray())
            Assert.False(Processes.IsAlive(node.GetProperty("pid").GetInt32()), $"node {node.GetProperty("id")} outlived the run");
        Assert.Empty(ProcessesStillRunning());
    }

    public void Dispose()
    {
        foreach (var pid in ProcessesStillRunning())
        {
            try { Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch (Exception) { /* gone */ }
        }
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { /* best effort */ }
    }
}

public static class Processes
{
    /// <summary>Live processes whose command line contains <paramref name="text"/>.</summary>
    public static IReadOnlyList<int> Mentioning(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var zombie = stat.Length > stat.LastIndexOf(')') + 2 && stat[stat.LastIndexOf(')') + 2] == 'Z';
                if (!zombie && cmdline.Contains(text, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    public static bool IsAlive(int pid)
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

    /// <summary>Waits until a condition holds or the time is up; returns whether it held.</summary>
    public static async Task<bool> Eventually(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(50);
        }
        return condition();
    }
}
