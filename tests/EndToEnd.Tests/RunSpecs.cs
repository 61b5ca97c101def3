using System.Text.Json;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>The real orchestrator and real task-node processes, on 127.0.0.1, with a real SQLite file and flock.</summary>
public sealed class RunSpecs : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_small_default_shaped_run_is_verified_and_leaves_a_full_run_folder()
    {
        var result = await _workspace.Run("--tasks", "20", "--nodes", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        var root = result.Root;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("verified", root.GetProperty("verdict").GetString());
        var loop = Assert.Single(root.GetProperty("loops").EnumerateArray());
        Assert.Equal(20, loop.GetProperty("counter").GetInt64());
        Assert.Equal(20, loop.GetProperty("expected").GetInt32());
        Assert.Empty(loop.GetProperty("collisions").EnumerateArray());
        Assert.Contains("loop 1/1: counter = 20, expected 20, verified", result.Stdout);

        var nodes = root.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(2, nodes.Count);
        Assert.All(nodes, n => Assert.Equal(10, n.GetProperty("tasks").GetInt32()));
        // This suite runs as root: the run held the machine's CPUs out of slow idle states (on by default).
        Assert.True(root.GetProperty("settings").GetProperty("keepCpusAwake").GetBoolean());
        Assert.True(root.GetProperty("host").GetProperty("cpusKeptAwake").GetBoolean());

        // One CLEF file per process, every event with the run id and the process that wrote it; node events name the node.
        var runId = root.GetProperty("runId").GetString();
        foreach (var name in new[] { "orchestrator", "node-1", "node-2" })
        {
            var lines = File.ReadAllLines(Path.Combine(result.RunFolder!, "logs", name + ".clef"));
            Assert.NotEmpty(lines);
            Assert.All(lines, line =>
            {
                using var e = JsonDocument.Parse(line);
                Assert.Equal(runId, e.RootElement.GetProperty("RunId").GetString());
                Assert.Equal(name, e.RootElement.GetProperty("Origin").GetString());
                if (name != "orchestrator") Assert.Equal(name, e.RootElement.GetProperty("Node").GetString());
            });
        }
        _workspace.AssertNothingLeft(result);
    }

    [Fact]
    public async Task Several_loops_run_on_the_node_processes_started_once()
    {
        var result = await _workspace.Run("--tasks", "40", "--nodes", "4", "--loops", "3", "--set", "release.keep-cpus-awake=off");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(result.Root.GetProperty("host").GetProperty("cpusKeptAwake").GetBoolean());
        var loops = result.Root.GetProperty("loops").EnumerateArray().ToList();
        Assert.Equal(3, loops.Count);
        Assert.All(loops, l => Assert.Equal("verified", l.GetProperty("verdict").GetString()));
        Assert.All(loops, l => Assert.Equal(40, l.GetProperty("counter").GetInt64()));
        // Each node joined exactly once: one registration in the orchestrator's log per node.
        var registrations = File.ReadAllLines(Path.Combine(result.RunFolder!, "logs", "orchestrator.clef"))
            .Count(line => line.Contains("\"@mt\":\"Node {Node} registered from", StringComparison.Ordinal));
        Assert.Equal(4, registrations);
        Assert.Equal(4, result.Root.GetProperty("nodes").GetArrayLength());
        _workspace.AssertNothingLeft(result);
    }

    [Fact]
    public async Task Without_a_lock_the_race_is_caught_as_lost_updates_with_named_collisions()
    {
        var result = await _workspace.Run("--lock", "none", "--tasks", "60", "--loops", "3", "--continue-on-failure");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("violated", result.Root.GetProperty("verdict").GetString());
        var loops = result.Root.GetProperty("loops").EnumerateArray().ToList();
        Assert.Equal(3, loops.Count);
        var violated = loops.Where(l => l.GetProperty("verdict").GetString() == "violated").ToList();
        Assert.NotEmpty(violated);
        foreach (var loop in violated)
        {
            Assert.True(loop.GetProperty("lostUpdates").GetInt64() > 0);
            Assert.True(loop.GetProperty("counter").GetInt64() < 60);
            var collision = loop.GetProperty("collisions").EnumerateArray().First();
            var tasks = collision.GetProperty("tasks").EnumerateArray().Select(t => t.GetString()).ToList();
            Assert.True(tasks.Count >= 2);
            Assert.All(tasks, t => Assert.StartsWith("task-", t));
        }
        Assert.Contains("violated", result.Stdout);
        _workspace.AssertNothingLeft(result);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("orchestrator")]
    public async Task Other_lock_modes_verify(string mode)
    {
        var result = await _workspace.Run("--lock", mode, "--tasks", "30", "--loops", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(mode, result.Root.GetProperty("settings").GetProperty("lockMode").GetString());
        Assert.All(result.Root.GetProperty("loops").EnumerateArray(), l => Assert.Equal(30, l.GetProperty("counter").GetInt64()));
        _workspace.AssertNothingLeft(result);
    }

    [Fact]
    public async Task A_billion_loops_with_a_time_budget_run_until_the_budget_is_spent_and_report_why_they_stopped()
    {
        var result = await _workspace.Run("--tasks", "2", "--loops", "1000000000", "--duration", "4s");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("Exception", result.Stderr);
        var root = result.Root;
        Assert.Equal("verified", root.GetProperty("verdict").GetString());
        Assert.Equal("duration", root.GetProperty("stoppedBy").GetString());
        var loopsRun = root.GetProperty("loopsRun").GetInt32();
        Assert.True(loopsRun > 1, result.ToString());
        var summary = root.GetProperty("summary");
        Assert.Equal(loopsRun, summary.GetProperty("loopsRun").GetInt32());
        Assert.Equal(loopsRun, summary.GetProperty("verified").GetInt64());
        Assert.Equal(Math.Min(loopsRun, 20), root.GetProperty("loops").GetArrayLength());
        Assert.Contains($"({loopsRun}/{loopsRun} loops verified; the 4 s time budget ended the loops)", result.Stdout);
        _workspace.AssertNothingLeft(result);
    }

    [Fact]
    public async Task No_count_limit_with_a_time_budget_stops_by_the_budget()
    {
        var result = await _workspace.Run("--tasks", "2", "--loops", "0", "--duration", "2s");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("duration", result.Root.GetProperty("stoppedBy").GetString());
        Assert.Contains("loop 1:", result.Stdout);
        _workspace.AssertNothingLeft(result);
    }

    [Fact]
    public async Task A_count_reached_before_the_budget_stops_by_the_count()
    {
        var result = await _workspace.Run("--tasks", "2", "--loops", "2", "--duration", "10m");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("loops", result.Root.GetProperty("stoppedBy").GetString());
        Assert.Equal(2, result.Root.GetProperty("loopsRun").GetInt32());
    }
}
