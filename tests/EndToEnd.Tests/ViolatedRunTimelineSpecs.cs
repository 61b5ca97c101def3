using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorRunner.Tests.Shared;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>
/// One real run that races, shared by the tests below: 8 tasks on 2 nodes, no lock, 4 loops, every loop run even
/// after one is violated. Its timeline.jsonl and report.json are the oracle for what its page, its trace and its
/// text view show.
/// </summary>
public sealed class ViolatedRun : IAsyncLifetime
{
    private readonly Workspace _workspace = new();

    public RunResult Result { get; private set; } = null!;
    public string Folder => Result.RunFolder!;
    public string Scratch => _workspace.Folder;
    public List<JsonElement> Timeline { get; private set; } = [];

    public async Task InitializeAsync()
    {
        string[] arguments = ["--tasks", "8", "--nodes", "2", "--loops", "4", "--lock", "none", "--continue-on-failure"];
        Result = await _workspace.Run(arguments);
        // Without a lock a loop is almost always violated, yet the race is a race: a run that caught it in none of
        // its loops (verified, exit 0) is run once more. Any other outcome is kept, for the tests to name.
        if (Result.ExitCode == 0)
        {
            Directory.Delete(_workspace.Runs, recursive: true);
            Result = await _workspace.Run(arguments);
        }
        if (Result.RunFolder is { } folder && File.Exists(Path.Combine(folder, "timeline.jsonl")))
            Timeline = File.ReadAllLines(Path.Combine(folder, "timeline.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    public Task DisposeAsync()
    {
        _workspace.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Each loop's number, verdict and collisions (the tasks that read the same value), from report.json.</summary>
    public IReadOnlyList<(int Loop, string Verdict, IReadOnlyList<IReadOnlyList<string>> Collisions)> Loops =>
        Result.Root.GetProperty("loops").EnumerateArray().Select(l => (
            l.GetProperty("number").GetInt32(),
            l.GetProperty("verdict").GetString()!,
            (IReadOnlyList<IReadOnlyList<string>>)l.GetProperty("collisions").EnumerateArray()
                .Select(c => (IReadOnlyList<string>)c.GetProperty("tasks").EnumerateArray().Select(t => t.GetString()!).ToList()).ToList())).ToList();

    /// <summary>A task's first event of this kind in a loop (its instant and value).</summary>
    public (long TimeUs, long? Value) At(int loop, string task, string @event)
    {
        var e = Timeline.First(e => e.TryGetProperty("loop", out var l) && l.GetInt32() == loop && e.TryGetProperty("task", out var t)
                                    && t.GetString() == task && e.GetProperty("node").GetString() != "orchestrator" && e.GetProperty("event").GetString() == @event);
        return (e.GetProperty("timeUs").GetInt64(), e.TryGetProperty("value", out var v) ? v.GetInt64() : null);
    }

    public IReadOnlyList<string> TasksOf(int loop) =>
        Timeline.Where(e => e.TryGetProperty("loop", out var l) && l.GetInt32() == loop && e.TryGetProperty("task", out _)
                            && e.GetProperty("node").GetString() != "orchestrator" && e.GetProperty("event").GetString() == "written")
            .Select(e => e.GetProperty("task").GetString()!).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The lost updates of a loop from its events alone: the writes in time order, each against the one before it,
    /// when its task read before that write landed.
    /// </summary>
    public IReadOnlyList<(string Lost, string By)> Overwrites(int loop)
    {
        var writes = TasksOf(loop).Select(t => (Task: t, Read: At(loop, t, "read").TimeUs, Written: At(loop, t, "written").TimeUs))
            .OrderBy(w => w.Written).ThenBy(w => w.Task, StringComparer.Ordinal).ToList();
        return writes.Zip(writes.Skip(1)).Where(p => p.Second.Read < p.First.Written).Select(p => (p.First.Task, p.Second.Task)).ToList();
    }
}

/// <summary>A real violated run's page in Chromium, its trace, and its collisions through the real timeline command.</summary>
public sealed class ViolatedRunTimelineSpecs : IClassFixture<ViolatedRun>
{
    private readonly ViolatedRun _run;

    public ViolatedRunTimelineSpecs(ViolatedRun run)
    {
        _run = run;
        Assert.True(run.Result.ExitCode == 1, "the run without a lock was expected to end violated (exit 1): " + run.Result);
        Assert.NotEmpty(run.Timeline);
    }

    private int FirstViolated => _run.Loops.First(l => l.Verdict == "violated").Loop;

    [Fact]
    public async Task The_page_of_a_violated_loop_shows_who_read_what_which_tasks_collided_and_whose_write_was_lost()
    {
        var loop = FirstViolated;
        var dom = await Chromium.DumpDom(Path.Combine(_run.Folder, "timeline.html"), $"#loop={loop}", _run.Scratch);

        var body = Attributes(Regex.Match(dom, "<body\\b[^>]*>").Value);
        Assert.True(string.IsNullOrEmpty(body.GetValueOrDefault("data-errors")), "script errors: " + body.GetValueOrDefault("data-errors"));
        Assert.Equal((loop.ToString(CultureInfo.InvariantCulture), "violated"), (body["data-loop"], body["data-verdict"]));
        var markup = Regex.Replace(dom, "<script\\b.*?</script>", "", RegexOptions.Singleline);
        var lanes = Regex.Matches(markup, "<g class=\"lane\" data-task=\"([^\"]+)\"[^>]*>(.*?)</g>", RegexOptions.Singleline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal(8, lanes.Count);

        // Each task's read and write, with the values the run recorded, written out in its lane.
        foreach (var task in _run.TasksOf(loop))
        {
            var (read, written) = (_run.At(loop, task, "read").Value, _run.At(loop, task, "written").Value);
            Assert.Matches($"class=\"mark-read\" data-task=\"{task}\" data-value=\"{read}\"", lanes[task]);
            Assert.Contains($">r{read}</text>", lanes[task]);
            Assert.Matches($"class=\"mark-written\" data-task=\"{task}\" data-value=\"{written}\"", lanes[task]);
            Assert.Contains($">w{written}</text>", lanes[task]);
        }

        // One link per collision of report.json, through the tasks that read the same value; their lanes outlined.
        var collisions = _run.Loops.Single(l => l.Loop == loop).Collisions;
        Assert.NotEmpty(collisions);
        var links = Regex.Matches(markup, "<path class=\"collision-link\" data-tasks=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(collisions.Select(c => string.Join(' ', c)).Order(), links.Order());
        Assert.All(collisions.SelectMany(c => c), task => Assert.Contains("class=\"collide-box\"", lanes[task]));

        // Each lost update the events show is drawn as an arrow from the lost write to the one that replaced it, labelled.
        var expected = _run.Overwrites(loop);
        Assert.NotEmpty(expected);
        var drawn = Regex.Matches(markup, "<path class=\"overwrite\" data-lost=\"([^\"]+)\" data-by=\"([^\"]+)\"")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.Equal(expected.Order(), drawn.Order());
        var text = WebUtility.HtmlDecode(markup);
        foreach (var (lost, by) in expected)
            Assert.Contains($"{by} overwrote {lost}'s {_run.At(loop, lost, "written").Value}", text);

        // The loop's messages as arrows: a Release to each node, a report from each task.
        var arrows = Regex.Matches(markup, "<line class=\"arrow [^>]*>").Select(m => Attributes(m.Value)).ToList();
        Assert.Equal(["node-1", "node-2"], arrows.Where(a => a["data-message"] == "Release").Select(a => a["data-to"]).Order());
        Assert.Equal(8, arrows.Count(a => a["data-message"] == "TaskReport"));
    }

    [Fact]
    public async Task The_next_not_verified_button_lands_on_each_loop_of_the_run_that_was_not_verified()
    {
        var loops = _run.Loops;
        var steps = loops.Select(_ => PageDriver.Do("next not verified", "c => c.click('next-bad')"))
            .Append(PageDriver.Do("messages off", "c => c.tick('show-messages', false)")).ToArray();

        var shown = await PageDriver.Drive(Path.Combine(_run.Folder, "timeline.html"), "#loop=1", _run.Scratch, steps);

        Assert.Equal("1", shown[0].Loop);
        var notVerified = loops.Where(l => l.Verdict != "verified" && l.Loop > 1).Select(l => l.Loop).ToList();
        var expected = loops.Select((_, i) => i < notVerified.Count ? notVerified[i] : notVerified.Count > 0 ? notVerified[^1] : 1)
            .Select(l => l.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected, shown.Skip(1).Take(loops.Count).Select(s => s.Loop));
        foreach (var s in shown.Skip(1).Take(loops.Count).Where(s => s.Loop != "1" || notVerified.Count > 0))
        {
            var loop = loops.Single(l => l.Loop.ToString(CultureInfo.InvariantCulture) == s.Loop);
            Assert.NotEqual("verified", s.Verdict);
            Assert.Equal(loop.Verdict, s.Verdict);
            Assert.Equal(loop.Collisions.Count, s.CollisionLinksDrawn);
            Assert.Equal(8, s.Lanes.Count);
        }

        // The messages box hides the run's message arrows and leaves the race drawn.
        var off = shown[^1];
        Assert.True(shown[^2].ArrowsDrawn > 0);
        Assert.Equal(("hidden", 0), (off.Messages, off.ArrowsDrawn));
        Assert.Equal(shown[^2].OverwritesDrawn, off.OverwritesDrawn);
    }

    [Fact]
    public void The_trace_holds_every_event_of_the_runs_timeline_a_process_per_node_and_a_thread_per_task()
    {
        var trace = JsonDocument.Parse(File.ReadAllText(Path.Combine(_run.Folder, "timeline.trace.json"))).RootElement;

        Assert.Empty(TraceCompleteness.Missing(_run.Timeline, trace));
        var events = trace.GetProperty("traceEvents").EnumerateArray().ToList();
        string Named(JsonElement e) => e.GetProperty("args").GetProperty("name").GetString()!;
        Assert.Equal(["orchestrator", "node-1", "node-2"], events.Where(e => e.GetProperty("name").GetString() == "process_name").Select(Named));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"task-{i}"),
            events.Where(e => e.GetProperty("name").GetString() == "thread_name" && e.GetProperty("tid").GetInt32() > 0).Select(Named).Order(StringComparer.Ordinal));
        // Flows pair up: one start and one finish per message.
        Assert.All(events.Where(e => e.GetProperty("ph").GetString() is "s" or "f").GroupBy(e => e.GetProperty("id").GetInt64()),
            g => Assert.Equal(["f", "s"], g.Select(e => e.GetProperty("ph").GetString()!).Order()));
    }

    [Fact]
    public async Task The_collisions_view_prints_who_read_the_same_value_and_whose_write_was_lost_in_the_first_violated_loop_in_time_order()
    {
        var loop = FirstViolated;

        var (exit, output, error) = await Timeline(_run.Folder, "--collisions");

        Assert.True(exit == 0, $"timeline --collisions exited {exit}: {error}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"loop {loop}: collisions and lost updates", lines[0]);
        // The tasks that read the same value, as report.json names the loop's collisions.
        var collisions = lines.Select(l => Regex.Match(l, @"^\s+(task-\d+(?:, task-\d+)*) read the same value, (\d+): a collision$"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(_run.Loops.Single(l => l.Loop == loop).Collisions.Select(c => string.Join(", ", c)), collisions);
        // Whose write replaced whose, each as the run's events have it.
        var overwrites = lines.Select(l => Regex.Match(l, @"^\s+(task-\d+) \(read (\d+)\) wrote (\d+) at [\d.]+ ms over (task-\d+)'s (\d+) .*: \4's update is lost$"))
            .Where(m => m.Success).ToList();
        Assert.Equal(_run.Overwrites(loop).Order(), overwrites.Select(m => (m.Groups[4].Value, m.Groups[1].Value)).Order());
        foreach (var m in overwrites)
        {
            var (by, lost) = (m.Groups[1].Value, m.Groups[4].Value);
            Assert.Equal(_run.At(loop, by, "read").Value, long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            Assert.Equal(_run.At(loop, by, "written").Value, long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
            Assert.Equal(_run.At(loop, lost, "written").Value, long.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture));
        }
        // The interleaving: only the tasks involved (that collided or lost an update), every read and write of each, in time order.
        var involved = _run.Overwrites(loop).SelectMany(o => new[] { o.Lost, o.By })
            .Concat(_run.Loops.Single(l => l.Loop == loop).Collisions.SelectMany(c => c)).ToHashSet();
        var events = lines.Select(l => Regex.Match(l, @"^\s+([\d.]+) ms\s+loop (\d+)\s+\S+\s+(task-\d+)\s+(\S+)")).Where(m => m.Success).ToList();
        Assert.All(events, m => Assert.Equal(loop.ToString(CultureInfo.InvariantCulture), m.Groups[2].Value));
        Assert.Equal(involved.Order(), events.Select(m => m.Groups[3].Value).Distinct().Order());
        foreach (var task in involved)
            Assert.Equal(2, events.Count(m => m.Groups[3].Value == task && m.Groups[4].Value is "read" or "written"));
        var times = events.Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);

        // A loop that was verified has none, said so; asking with --task too is bad usage (exit 2, one line).
        if (_run.Loops.FirstOrDefault(l => l.Verdict == "verified") is { Loop: > 0 } verified)
        {
            var (verifiedExit, verifiedOutput, _) = await Timeline(_run.Folder, "--collisions", "--loop", verified.Loop.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(0, verifiedExit);
            Assert.StartsWith($"loop {verified.Loop}: no lost updates", verifiedOutput);
        }
        var (badExit, badOutput, badError) = await Timeline(_run.Folder, "--collisions", "--task", "task-1");
        Assert.Equal(2, badExit);
        Assert.Equal("", badOutput);
        Assert.Equal("actor-runner: --collisions and --task: give one of them", badError.Trim());
    }

    private static readonly Regex Attribute = new("([\\w-]+)=\"([^\"]*)\"");

    private static Dictionary<string, string> Attributes(string tag) =>
        Attribute.Matches(tag).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));

    private static async Task<(int Exit, string Output, string Error)> Timeline(params string[] arguments)
    {
        var info = new ProcessStartInfo(Workspace.OrchestratorPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("timeline");
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("timeline did not end within 30 s");
        }
        return (process.ExitCode, await output, await error);
    }
}
