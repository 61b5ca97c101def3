using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>
/// Nodes on hosts of their own, started by the orchestrator through its launch template: each host is a network
/// namespace the test makes (TestHosts), with its real-time clock set off by libfaketime; the orchestrator runs in a
/// namespace too. The scenario StartTimes writes down when each task started on the machine-wide monotonic clock,
/// which no skewed real-time clock touches: the truth the report's cross-node figures must agree with.
/// Needs root, ip and libfaketime (.ci/run installs it); skipped elsewhere.
/// </summary>
public sealed class AcrossHostsSpecs : IDisposable
{
    private const string Token = "e2e-hosts-secret";
    private const string Scenario = "StartTimes.RecordStart, StartTimes";
    private const double Tolerance = 1.0;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(150);
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static string ScenarioAssembly => typeof(AcrossHostsSpecs).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "StartTimesScenario").Value!;

    /// <summary>
    /// The host's real-time clock offset, as libfaketime reads it: again once a second (a step takes effect within
    /// one). Not at every reading (FAKETIME_NO_CACHE): libfaketime then parses the file anew on every call, and
    /// threads reading the clock at once see the real time now and then (0.5% of readings with four threads here),
    /// which the runner rightly reports as clock steps.
    /// </summary>
    private string ClockFile(string host) => Path.Combine(_workspace.Folder, host + ".faketime");

    /// <summary>Written whole, then renamed into place: a reader never sees the file empty.</summary>
    private void SetClock(string host, string offset)
    {
        File.WriteAllText(ClockFile(host) + ".new", offset + "\n");
        File.Move(ClockFile(host) + ".new", ClockFile(host), overwrite: true);
    }

    /// <summary>The launch template: the node program in the host's namespace, with the host's clock.</summary>
    private string Template =>
        $"ip netns exec {{host}} env LD_PRELOAD={TestHosts.FakeTimeLibrary} FAKETIME_TIMESTAMP_FILE={_workspace.Folder}/{{host}}.faketime " +
        $"FAKETIME_CACHE_DURATION=1 FAKETIME_DONT_FAKE_MONOTONIC=1 {Workspace.NodePath} {{args}}";

    private Process Start(TestHosts hosts, int loops, StringBuilder stdout, StringBuilder stderr, string releaseDelay = "30ms") =>
        _workspace.Start(["--nodes", "0", "--remote-hosts", string.Join(',', hosts.Hosts), "--remote-launch", Template,
            "--hostname", hosts.Orchestrator, "--token", Token, "--tasks", "2", "--loops", loops.ToString(CultureInfo.InvariantCulture),
            "--lock", "none", "--scenario", Scenario, "--scenario-assembly", ScenarioAssembly, "--release-delay", releaseDelay,
            "--set", "join-timeout=60s"], stdout, stderr, through: ["ip", "netns", "exec", hosts.Orchestrator]);

    /// <summary>One task's start as StartTimes wrote it down: on the monotonic clock, and on its node's real-time clock.</summary>
    private sealed record TaskStart(int Loop, string Task, long MonotonicNs, long RealTimeUs);

    private static IReadOnlyList<TaskStart> Starts(RunResult result) =>
        Directory.EnumerateFiles(Path.Combine(result.RunFolder!, "start-times"), "*.txt")
            .SelectMany(File.ReadAllLines)
            .Select(l => l.Split(' '))
            .Select(f => new TaskStart(int.Parse(f[0], CultureInfo.InvariantCulture), f[1], long.Parse(f[3], CultureInfo.InvariantCulture),
                long.Parse(f[4], CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Each task's instants of a loop as timeline.jsonl gives them (µs since the run started, orchestrator clock).</summary>
    private static Dictionary<(int Loop, string Task), Dictionary<string, long>> TaskEvents(RunResult result)
    {
        var events = new Dictionary<(int, string), Dictionary<string, long>>();
        foreach (var line in File.ReadLines(Path.Combine(result.RunFolder!, "timeline.jsonl")))
        {
            var e = JsonDocument.Parse(line).RootElement;
            if (!e.TryGetProperty("task", out var task) || !e.TryGetProperty("loop", out var loop)) continue;
            var key = (loop.GetInt32(), task.GetString()!);
            if (!events.TryGetValue(key, out var phases)) events[key] = phases = new Dictionary<string, long>();
            phases.TryAdd(e.GetProperty("event").GetString()!, e.GetProperty("timeUs").GetInt64());
        }
        return events;
    }

    /// <summary>
    /// The truth of a loop: when each task was released, took and let go of the lock, on the monotonic clock (ms).
    /// A task's own instants are apart by what its node's clock says (one clock, read within microseconds); where the
    /// node's clock stood on the monotonic one is known from the start StartTimes wrote down with both (the "read"
    /// instant: StartTimes gives the runner its real-time reading). So the truth takes nothing from the runner's
    /// clock correction, which is what the figures are checked for.
    /// </summary>
    private static (double SpreadMs, double WindowMs) Truth(int loop, IReadOnlyList<TaskStart> starts,
        Dictionary<(int Loop, string Task), Dictionary<string, long>> events)
    {
        var released = new List<double>();
        var acquired = new List<double>();
        var letGo = new List<double>();
        foreach (var start in starts.Where(s => s.Loop == loop))
        {
            var phases = events[(loop, start.Task)];
            double Monotonic(string phase) => start.MonotonicNs / 1e6 + (phases[phase] - phases["read"]) / 1e3;
            released.Add(Monotonic("released"));
            acquired.Add(Monotonic("lock-acquired"));
            letGo.Add(Monotonic("lock-released"));
        }
        return (released.Max() - released.Min(), letGo.Max() - acquired.Min());
    }

    /// <summary>A loop's cross-node figures (report and console) against the truth, within a millisecond.</summary>
    private static void AssertAgrees(JsonElement loop, IReadOnlyList<TaskStart> starts, Dictionary<(int Loop, string Task), Dictionary<string, long>> events,
        string console, string context)
    {
        var number = loop.GetProperty("number").GetInt32();
        var truth = Truth(number, starts, events);
        var spread = loop.GetProperty("releaseSpreadMs").GetProperty("max").GetDouble();
        var firstResume = loop.GetProperty("firstResumeSpreadMs").GetDouble();
        var rate = loop.GetProperty("criticalSectionsPerSecond").GetDouble();
        // The report gives the rate to 0.1/s: the window it stands for lies between these (ms).
        var (windowLow, windowHigh) = (2000 / (rate + 0.05), rate > 0.05 ? 2000 / (rate - 0.05) : double.PositiveInfinity);
        var line = Regex.Match(console, $@"loop {number}/\d+: .*\(release spread ([0-9.]+) ms, first per node ([0-9.]+) ms");
        Assert.True(line.Success, $"no console line for loop {number}\n{context}");
        var shown = double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
        var shownFirst = double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture);
        // A millisecond, or what the two clocks' measurements allow when a busy machine measured them less well.
        var tolerance = Math.Max(Tolerance, loop.GetProperty("clocks").EnumerateObject().Sum(c => c.Value.GetProperty("uncertaintyMs").GetDouble()));
        var what = $"loop {number}: truth spread {truth.SpreadMs:0.###} ms, window {truth.WindowMs:0.###} ms; report spread {spread}, first resume {firstResume}, " +
                   $"window {windowLow:0.###}..{windowHigh:0.###} ms (rate {rate}); console {shown}, {shownFirst}; tolerance {tolerance:0.###} ms: clocks measured to +/- " +
                   string.Join(", ", loop.GetProperty("clocks").EnumerateObject().Select(c => $"{c.Name} {c.Value.GetProperty("uncertaintyMs").GetDouble()} ms")) + $"\n{context}";
        Assert.True(Math.Abs(spread - truth.SpreadMs) <= tolerance, what);
        Assert.True(Math.Abs(firstResume - truth.SpreadMs) <= tolerance, what);
        Assert.True(Math.Abs(shown - truth.SpreadMs) <= tolerance, what);
        Assert.True(Math.Abs(shownFirst - truth.SpreadMs) <= tolerance, what);
        Assert.True(truth.WindowMs + tolerance >= windowLow && truth.WindowMs - tolerance <= windowHigh, what);
    }

    [NamespacesFact]
    public async Task Two_hosts_with_clocks_off_by_half_a_second_either_way_give_the_true_figures()
    {
        using var hosts = new TestHosts(2);
        SetClock(hosts.Hosts[0], "+0.5");
        SetClock(hosts.Hosts[1], "-0.3");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();

        using var orchestrator = Start(hosts, loops: 6, stdout, stderr);
        var result = await _workspace.Finish(orchestrator, stdout, stderr, Limit);

        Assert.True(result.ExitCode == 0, result.ToString());
        var nodes = result.Root.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(hosts.Hosts, nodes.Select(n => n.GetProperty("host").GetString()!));
        // The orchestrator's clock minus the node's: -500 ms for the host 0.5 s ahead, +300 ms for the one behind.
        Assert.InRange(nodes[0].GetProperty("clockOffsetMs").GetDouble(), -510, -490);
        Assert.InRange(nodes[1].GetProperty("clockOffsetMs").GetDouble(), 290, 310);
        var starts = Starts(result);
        var events = TaskEvents(result);
        var loops = result.Root.GetProperty("loops").EnumerateArray().ToList();
        Assert.Equal(6, loops.Count);
        Assert.Equal(12, starts.Count);
        foreach (var loop in loops) AssertAgrees(loop, starts, events, result.Stdout, result.ToString());
        Assert.Empty(result.Root.GetProperty("clockSteps").EnumerateArray());

        // Each node's log came back over its standard output into the run's logs folder.
        foreach (var node in new[] { "node-1", "node-2" })
        {
            var log = await File.ReadAllTextAsync(Path.Combine(result.RunFolder!, "logs", node + ".clef"));
            Assert.Contains($"\"Node\":\"{node}\"", log);
            Assert.Contains("joined run", log);
        }
        Assert.True(await Processes.Eventually(() => hosts.Pids().Count == 0, TimeSpan.FromSeconds(10)), "a node outlived the run in its namespace");
        _workspace.AssertNothingLeft(result);
    }

    [NamespacesFact]
    public async Task A_host_clock_stepped_mid_run_is_named_and_the_loops_after_it_are_measured_with_the_new_offset()
    {
        using var hosts = new TestHosts(2);
        SetClock(hosts.Hosts[0], "+0.5");
        SetClock(hosts.Hosts[1], "-0.3");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();

        // Loops of 200 ms at least: the step (which libfaketime applies within a second) falls well inside the run.
        using var orchestrator = Start(hosts, loops: 20, stdout, stderr, releaseDelay: "200ms");
        Assert.True(await Processes.Eventually(() => { lock (stdout) return stdout.ToString().Contains("loop 2/20:"); }, TimeSpan.FromSeconds(90)),
            $"loop 2 never ended:\n{stdout}\n{stderr}");
        // The second host's clock jumps one second forward, as an NTP step would move it. A step that falls inside a
        // loop's clock exchange spoils that exchange alone (WireClock.Exchange); the next one measures the whole step.
        SetClock(hosts.Hosts[1], "+0.7");
        var result = await _workspace.Finish(orchestrator, stdout, stderr, Limit);

        Assert.True(result.ExitCode == 0, result.ToString());
        var step = Assert.Single(result.Root.GetProperty("clockSteps").EnumerateArray());
        Assert.Equal("node-2", step.GetProperty("node").GetString());
        // The step is measured within its stated uncertainty (a loop's one exchange; wide on a loaded machine), give
        // or take libfaketime's own few milliseconds.
        var (stepMs, stepUncertaintyMs) = (step.GetProperty("stepMs").GetDouble(), step.GetProperty("uncertaintyMs").GetDouble());
        Assert.True(Math.Abs(stepMs - 1000) <= stepUncertaintyMs + 10 && stepUncertaintyMs < 250, step.ToString());
        var stepLoop = step.GetProperty("loop").GetInt32();
        Assert.Matches($@"clock of node-2 stepped by \+\d+(\.\d+)? ms \(\+/- [0-9.]+ ms\) before loop {stepLoop}", result.Stdout);
        Assert.InRange(result.Root.GetProperty("nodes")[1].GetProperty("clockOffsetMs").GetDouble(), -710, -690);
        var starts = Starts(result);
        var events = TaskEvents(result);
        // The loop the step fell into mixes both clocks; every other one agrees with the truth.
        foreach (var loop in result.Root.GetProperty("loops").EnumerateArray().Where(l => l.GetProperty("number").GetInt32() != stepLoop - 1))
            AssertAgrees(loop, starts, events, result.Stdout, result.ToString());
        Assert.True(await Processes.Eventually(() => hosts.Pids().Count == 0, TimeSpan.FromSeconds(10)), "a node outlived the run in its namespace");
    }
}
