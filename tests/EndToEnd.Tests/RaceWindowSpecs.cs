using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>
/// The race-window scenario and calibrate, with the real orchestrator and node processes: a race of known width
/// in a memory-mapped file that the node processes share, caught without a lock and verified with the file lock,
/// and calibrate's table and resolution line, checked for consistency (not for a particular width: the machine
/// decides that).
/// </summary>
public sealed partial class RaceWindowSpecs : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static IReadOnlyList<JsonElement> Loops(RunResult result) => result.Root.GetProperty("loops").EnumerateArray().ToList();

    private static long Figure(JsonElement loop, string name) => loop.GetProperty("figures").GetProperty(name).GetInt64();

    [Fact]
    public async Task A_wide_window_without_a_lock_is_caught_naming_both_tasks_and_needs_no_database()
    {
        var result = await _workspace.Run("--scenario", "race-window", "--lock", "none", "--tasks", "2", "--nodes", "2",
            "--loops", "5", "--continue-on-failure", "--set", "race-window.us=1000");

        Assert.True(result.ExitCode == 1, result.ToString());
        var loops = Loops(result);
        Assert.Equal(5, loops.Count);
        var violated = loops.Where(l => l.GetProperty("verdict").GetString() == "violated").ToList();
        Assert.NotEmpty(violated);
        foreach (var loop in violated)
        {
            var collision = Assert.Single(loop.GetProperty("collisions").EnumerateArray());
            Assert.Equal(0, collision.GetProperty("observed").GetInt64());
            Assert.Equal(["task-1", "task-2"], collision.GetProperty("tasks").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal(1, loop.GetProperty("lostUpdates").GetInt64());
            Assert.Equal(1, loop.GetProperty("counter").GetInt64());
        }
        Assert.All(loops, l => Assert.Equal(1000, Figure(l, "widthUs")));
        Assert.Contains("value 0 was read by 2 tasks that all committed: task-1, task-2", result.Stdout);
        Assert.True(File.Exists(Path.Combine(result.RunFolder!, "race-window.value")));
        Assert.False(File.Exists(Path.Combine(result.RunFolder!, "counter.db")), "race-window made a database");
        _workspace.AssertNothingLeft(result);
    }

    [Fact]
    public async Task The_same_window_under_the_file_lock_is_verified_in_every_loop()
    {
        var result = await _workspace.Run("--scenario", "race-window", "--lock", "file", "--tasks", "4", "--nodes", "2",
            "--loops", "3", "--set", "race-window.us=1000");

        Assert.True(result.ExitCode == 0, result.ToString());
        var loops = Loops(result);
        Assert.Equal(3, loops.Count);
        foreach (var loop in loops)
        {
            Assert.Equal("verified", loop.GetProperty("verdict").GetString());
            Assert.Equal(4, loop.GetProperty("counter").GetInt64());
            Assert.Equal("value = 4, expected 4 (window 1000 µs)", loop.GetProperty("outcome").GetString());
        }
        _workspace.AssertNothingLeft(result);
    }

    [GeneratedRegex(@"^\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+\.\d\d)(?:\s+\((\d+) inconclusive\))?$")]
    private static partial Regex Row();

    [Fact]
    public async Task Calibrate_prints_a_table_that_matches_its_loops_and_a_resolution_line_that_follows_from_it()
    {
        const int perWidth = 5;
        var result = await _workspace.Run("calibrate", "--tasks", "2", "--nodes", "2", "--loops", perWidth.ToString(), "--ladder", "1000,1");

        Assert.True(result.ExitCode is 0 or 3, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.Contains("calibrate: race-window without a lock, widths 1, 1000 µs, 5 loops each, taken in turn (10 loops on the same nodes)", lines);
        var header = lines.IndexOf("  width µs    loops   caught   fraction");
        Assert.True(header >= 0, result.ToString());
        var rows = lines.Skip(header + 1).Take(2).Select(l => Row().Match(l)).ToList();
        Assert.All(rows, m => Assert.True(m.Success, result.ToString()));
        var table = rows.Select(m => (Width: int.Parse(m.Groups[1].Value), Loops: int.Parse(m.Groups[2].Value),
            Caught: int.Parse(m.Groups[3].Value), Fraction: m.Groups[4].Value)).ToList();
        Assert.Equal([1, 1000], table.Select(r => r.Width));
        foreach (var row in table)
        {
            Assert.Equal(perWidth, row.Loops);
            Assert.InRange(row.Caught, 0, perWidth);
            Assert.Equal(((double)row.Caught / row.Loops).ToString("0.00", CultureInfo.InvariantCulture), row.Fraction);
        }

        // The resolution: the narrowest width from which every wider one was caught in 95% of its loops.
        int? resolution = null;
        foreach (var row in table.OrderByDescending(r => r.Width))
        {
            if (row.Caught * 100 < 95 * row.Loops) break;
            resolution = row.Width;
        }
        var last = lines[^1];
        if (resolution is { } width)
        {
            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith($"resolution: {width} µs, the narrowest width caught in at least 95% of {perWidth} loops", last);
            Assert.EndsWith($"survives {perWidth} verified loops with probability at most 0.05^{perWidth} = 3.1e-7", last);
        }
        else
        {
            Assert.Equal(3, result.ExitCode);
            Assert.StartsWith($"resolution: none: not even 1000 µs was caught in 95% of {perWidth} loops", last);
        }

        // The run behind it: race-window without a lock, the widths taken in turn, the caught loops its violated ones.
        var settings = result.Root.GetProperty("settings");
        Assert.Equal("race-window", settings.GetProperty("scenario").GetString());
        Assert.Equal("none", settings.GetProperty("lockMode").GetString());
        var loops = Loops(result);
        Assert.Equal(2 * perWidth, loops.Count);
        for (var i = 0; i < loops.Count; i++) Assert.Equal(i % 2 == 0 ? 1000 : 1, Figure(loops[i], "widthUs"));
        foreach (var row in table)
            Assert.Equal(row.Caught, loops.Count(l => Figure(l, "widthUs") == row.Width && l.GetProperty("verdict").GetString() == "violated"));

        using var calibration = JsonDocument.Parse(File.ReadAllText(Path.Combine(result.RunFolder!, "calibration.json")));
        var json = calibration.RootElement;
        Assert.Equal(perWidth, json.GetProperty("loopsPerWidth").GetInt32());
        Assert.Equal(table.Select(r => (r.Width, r.Caught)),
            json.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("widthUs").GetInt32(), r.GetProperty("caught").GetInt32())));
        Assert.Equal(resolution, json.GetProperty("resolutionUs").ValueKind == JsonValueKind.Null ? null : json.GetProperty("resolutionUs").GetInt32());
        _workspace.AssertNothingLeft(result);
    }
}
