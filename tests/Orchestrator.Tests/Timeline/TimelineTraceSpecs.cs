using System.Text.Json;
using System.Text.Json.Nodes;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Tests.Shared;

namespace ActorRunner.Orchestrator.Tests.Timeline;

/// <summary>timeline.trace.json against the Chrome trace event format's documented fields.</summary>
public sealed class TimelineTraceSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("timeline-trace-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private JsonElement Written(TimelineData data)
    {
        var path = Path.Combine(_folder, TimelineTrace.FileName);
        TimelineTrace.Write(data, path);
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    [Fact]
    public void Every_event_has_the_fields_its_phase_requires()
    {
        var root = Written(LostUpdateTimeline.Create());
        Assert.Equal("ms", root.GetProperty("displayTimeUnit").GetString());
        var events = root.GetProperty("traceEvents").EnumerateArray().ToList();
        Assert.NotEmpty(events);
        foreach (var e in events)
        {
            Assert.False(string.IsNullOrEmpty(e.GetProperty("name").GetString()));
            Assert.Equal(JsonValueKind.Number, e.GetProperty("pid").ValueKind);
            Assert.Equal(JsonValueKind.Number, e.GetProperty("tid").ValueKind);
            var ph = e.GetProperty("ph").GetString();
            Assert.Contains(ph, new[] { "M", "X", "i", "s", "f" });
            if (ph != "M") Assert.Equal(JsonValueKind.Number, e.GetProperty("ts").ValueKind);
            if (ph == "X") Assert.True(e.GetProperty("dur").GetInt64() >= 0);
            if (ph == "i") Assert.Contains(e.GetProperty("s").GetString(), new[] { "t", "p", "g" });
            if (ph is "s" or "f") Assert.Equal(JsonValueKind.Number, e.GetProperty("id").ValueKind);
            if (ph == "f") Assert.Equal("e", e.GetProperty("bp").GetString());
            if (ph == "M") Assert.Equal(JsonValueKind.Object, e.GetProperty("args").ValueKind);
        }
        // Flows come in pairs: one start and one finish per id.
        var flows = events.Where(e => e.GetProperty("ph").GetString() is "s" or "f").GroupBy(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.NotEmpty(flows);
        Assert.All(flows, g => Assert.Equal(["f", "s"], g.Select(e => e.GetProperty("ph").GetString()!).Order()));
    }

    [Fact]
    public void It_holds_a_process_per_node_a_thread_per_task_and_the_timelines_reads_and_writes()
    {
        var data = LostUpdateTimeline.Create();
        var events = Written(data).GetProperty("traceEvents").EnumerateArray().ToList();

        string? Meta(JsonElement e) => e.GetProperty("args").TryGetProperty("name", out var n) ? n.GetString() : null;
        var processes = events.Where(e => e.GetProperty("name").GetString() == "process_name").Select(Meta).ToList();
        Assert.Equal(["orchestrator", "node-1", "node-2"], processes);
        var threads = events.Where(e => e.GetProperty("name").GetString() == "thread_name" && e.GetProperty("tid").GetInt32() > 0).Select(Meta).ToList();
        Assert.Equal(LostUpdateTimeline.Tasks.Order(), threads.Order());

        // Every read and write of timeline.jsonl is an instant event with its time and value.
        var instants = events.Where(e => e.GetProperty("ph").GetString() == "i" && e.GetProperty("cat").GetString() == "task")
            .Select(e => (e.GetProperty("name").GetString(), e.GetProperty("ts").GetInt64())).ToHashSet();
        var expected = data.Events.Where(e => e.Event is "read" or "written").Select(e => ($"{e.Event} {e.Value}", e.TimeUs)).ToList();
        Assert.Equal(16, expected.Count);
        Assert.All(expected, x => Assert.Contains(x, instants));

        // Each task holds the lock once, as long as the timeline says.
        var holds = events.Where(e => e.GetProperty("name").GetString() == "holding the lock").ToList();
        Assert.Equal(8, holds.Count);
        var lostHold = data.Events.Where(e => e.Task == LostUpdateTimeline.Lost).ToDictionary(e => e.Event + (e.Message ?? ""), e => e.TimeUs);
        Assert.Contains(holds, h => h.GetProperty("ts").GetInt64() == lostHold["lock-acquired"]
                                    && h.GetProperty("dur").GetInt64() == lostHold["lock-released"] - lostHold["lock-acquired"]);
    }

    [Fact]
    public void It_holds_every_event_of_the_timeline_each_on_its_node_and_task_at_its_instant()
    {
        foreach (var data in new[] { LostUpdateTimeline.Create(), SyntheticTimeline.Create(nodes: 2, tasksPerNode: 5, loops: 2) })
        {
            var trace = Written(data);

            // Every line of timeline.jsonl, as the run writes it: phases, reads and writes, failures, each message
            // sent or received, a node's gate, a loop's verdict, and the run's own events (start, registrations, end).
            var timeline = Jsonl(data);
            Assert.Empty(TraceCompleteness.Missing(timeline, trace));
        }
        var kinds = SyntheticTimeline.Create().Events.Select(e => e.Event).ToHashSet();
        Assert.All(new[] { "run-started", "registered", "run-ended", "reported", "failed", "gate-opened", "loop-verdict", "sent", "received" },
            kind => Assert.Contains(kind, kinds));
    }

    [Fact]
    public void An_event_the_trace_left_out_is_named()
    {
        var data = LostUpdateTimeline.Create();
        var trace = JsonNode.Parse(Written(data).GetRawText())!;
        var events = trace["traceEvents"]!.AsArray();
        var write = events.First(e => e!["name"]!.GetValue<string>() == "written 1" && e["ph"]!.GetValue<string>() == "i");
        events.Remove(write);

        var missing = TraceCompleteness.Missing(Jsonl(data), JsonDocument.Parse(trace.ToJsonString()).RootElement);

        var lost = Assert.Single(missing);
        Assert.Contains("\"event\":\"written\"", lost);
        Assert.Contains("\"value\":1", lost);
    }

    private static List<JsonElement> Jsonl(TimelineData data) =>
        data.Events.Select(e => JsonDocument.Parse(JsonSerializer.Serialize(e, TimelineEvent.Json)).RootElement).ToList();
}
