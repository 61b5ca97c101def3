using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorRunner.Tests.Shared;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>A real run's timeline: one clock, every phase in order, holds that never overlap, a page a browser draws.</summary>
public sealed class TimelineSpecs : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_run_of_20_tasks_on_2_nodes_leaves_a_one_clock_timeline_a_text_view_and_a_page()
    {
        var result = await _workspace.Run("--tasks", "20", "--nodes", "2", "--loops", "2");
        Assert.True(result.ExitCode == 0, result.ToString());
        var folder = result.RunFolder!;

        var events = File.ReadAllLines(Path.Combine(folder, "timeline.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var times = events.Select(e => e.GetProperty("timeUs").GetInt64()).ToList();
        Assert.Equal(times.Order(), times); // time-ordered

        for (var loop = 1; loop <= 2; loop++)
        {
            var taskEvents = events.Where(e => Loop(e) == loop && e.TryGetProperty("task", out _) && e.GetProperty("node").GetString() != "orchestrator")
                .GroupBy(e => e.GetProperty("task").GetString()!).ToList();
            Assert.Equal(20, taskEvents.Count);
            var holds = new List<(long From, long To, string Task)>();
            foreach (var task in taskEvents)
            {
                long At(string name) => task.Single(e => e.GetProperty("event").GetString() == name).GetProperty("timeUs").GetInt64();
                Assert.True(At("ready") <= At("released") && At("released") <= At("lock-acquired") && At("lock-acquired") <= At("read")
                            && At("read") <= At("written") && At("written") <= At("lock-released"), $"phases out of order for {task.Key}");
                holds.Add((At("lock-acquired"), At("lock-released"), task.Key));
            }
            // Under the file lock no two holds overlap, in the one clock of the timeline.
            var ordered = holds.OrderBy(h => h.From).ToList();
            for (var i = 1; i < ordered.Count; i++)
                Assert.True(ordered[i].From >= ordered[i - 1].To, $"{ordered[i - 1].Task} and {ordered[i].Task} held the lock at once");
            // Messages, both ways.
            Assert.Contains(events, e => Loop(e) == loop && Is(e, "sent", "Release") && e.GetProperty("from").GetString() == "orchestrator");
            Assert.Contains(events, e => Loop(e) == loop && Is(e, "received", "Release") && e.GetProperty("node").GetString() == "node-1");
            Assert.Contains(events, e => Loop(e) == loop && Is(e, "received", "TaskReport"));
        }

        // Clock offsets per node in the report.
        Assert.All(result.Root.GetProperty("nodes").EnumerateArray(), n =>
            Assert.True(n.GetProperty("clockUncertaintyMs").GetDouble() > 0));

        // The text view.
        var text = await TimelineCommand(folder, "--loop", "2", "--task", "task-07");
        Assert.Contains("task-07", text);
        Assert.Contains("lock-acquired", text);
        Assert.DoesNotContain("loop 1 ", text);

        // The page, offline, in a real browser: one lane per task, no script error.
        var dom = await Chromium.DumpDom(Path.Combine(folder, "timeline.html"), "#loop=1", _workspace.Folder);
        dom = Regex.Replace(dom, "<script\\b.*?</script>", "", RegexOptions.Singleline); // the script's own text names lanes too
        var lanes = Regex.Matches(dom, "<g[^>]*class=\"lane[^\"]*\"[^>]*data-task=\"([^\"]+)\"|<g[^>]*data-task=\"([^\"]+)\"[^>]*class=\"lane")
            .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).Distinct().ToList();
        Assert.Equal(20, lanes.Count);
        Assert.DoesNotMatch("data-errors=\"[^\"]+\"", dom);
    }

    private static int? Loop(JsonElement e) => e.TryGetProperty("loop", out var l) ? l.GetInt32() : null;

    private static bool Is(JsonElement e, string @event, string message) =>
        e.GetProperty("event").GetString() == @event && e.TryGetProperty("message", out var m) && m.GetString() == message;

    private async Task<string> TimelineCommand(params string[] arguments)
    {
        var info = new ProcessStartInfo(Workspace.OrchestratorPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("timeline");
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"timeline exited {process.ExitCode}: {error}");
        return output;
    }
}
