using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorRunner.Orchestrator.Timeline;

/// <summary>
/// timeline.trace.json: the run in the Chrome trace event format, which Perfetto (ui.perfetto.dev) and
/// chrome://tracing open. A process per node (the orchestrator first), a thread per task; complete events ("X")
/// for each task's phases, instant events ("i") for its read and its write with their values and for each node's
/// gate opening, a verdict per loop, and flow events ("s" to "f") for the protocol messages. Every other event of
/// timeline.jsonl (a node's registration, run start and end, a message whose other end the timeline does not have)
/// is an instant event named after it, so that the trace holds every event of the timeline. Times are microseconds
/// on the run's one clock, as in timeline.jsonl.
/// </summary>
public static class TimelineTrace
{
    public const string FileName = "timeline.trace.json";

    /// <summary>One trace event, with the format's field names.</summary>
    public sealed record TraceEvent(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("ph")] string Phase,
        [property: JsonPropertyName("pid")] int Pid,
        [property: JsonPropertyName("tid")] int Tid,
        [property: JsonPropertyName("ts")] long? Ts = null,
        [property: JsonPropertyName("dur")] long? Dur = null,
        [property: JsonPropertyName("cat")] string? Category = null,
        [property: JsonPropertyName("s")] string? Scope = null,
        [property: JsonPropertyName("id")] long? Id = null,
        [property: JsonPropertyName("bp")] string? BindingPoint = null,
        [property: JsonPropertyName("args")] IReadOnlyDictionary<string, object?>? Args = null);

    /// <summary>The file's top level: the events and the unit its viewers show.</summary>
    public sealed record TraceFile(
        [property: JsonPropertyName("traceEvents")] IReadOnlyList<TraceEvent> TraceEvents,
        [property: JsonPropertyName("displayTimeUnit")] string DisplayTimeUnit = "ms");

    internal static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, TypeInfoResolver = Reporting.GeneratedJson.Resolver };

    private static readonly (string Name, string From, string To)[] Phases =
    [
        ("waiting for the release", "ready", "released"),
        ("waiting for the lock", "lock-requested", "lock-acquired"),
        ("holding the lock", "lock-acquired", "lock-released"),
    ];

    public static TraceFile Build(TimelineData data)
    {
        // Processes: the orchestrator is 1, nodes 2.. in lane order; thread 0 of each is the process itself.
        var pids = new Dictionary<string, int> { [TimelineRecorder.Orchestrator] = 1 };
        var tids = new Dictionary<string, (int Pid, int Tid)>();
        foreach (var node in data.Nodes)
        {
            pids.TryAdd(node.Node, pids.Count + 1);
            foreach (var task in node.Tasks) tids.TryAdd(task, (pids[node.Node], tids.Count + 1));
        }
        foreach (var e in data.Events)
        {
            pids.TryAdd(e.Node, pids.Count + 1);
            if (e.Task is { } t && e.Node != TimelineRecorder.Orchestrator) tids.TryAdd(t, (pids[e.Node], tids.Count + 1));
        }

        var events = new List<TraceEvent>();
        // The timeline's events the slices, instants and flows below stand for; the rest get an instant each.
        var covered = new HashSet<TimelineEvent>(ReferenceEqualityComparer.Instance);
        foreach (var (node, pid) in pids)
        {
            events.Add(new TraceEvent("process_name", "M", pid, 0, Args: new Dictionary<string, object?> { ["name"] = node }));
            events.Add(new TraceEvent("process_sort_index", "M", pid, 0, Args: new Dictionary<string, object?> { ["sort_index"] = pid }));
            events.Add(new TraceEvent("thread_name", "M", pid, 0, Args: new Dictionary<string, object?> { ["name"] = node }));
        }
        foreach (var (task, (pid, tid)) in tids)
        {
            events.Add(new TraceEvent("thread_name", "M", pid, tid, Args: new Dictionary<string, object?> { ["name"] = task }));
            events.Add(new TraceEvent("thread_sort_index", "M", pid, tid, Args: new Dictionary<string, object?> { ["sort_index"] = tid }));
        }

        foreach (var loop in data.Events.Where(e => e.Loop is not null).GroupBy(e => e.Loop!.Value))
        {
            var args = new Dictionary<string, object?> { ["loop"] = loop.Key };
            foreach (var task in loop.Where(e => e.Task is not null && tids.ContainsKey(e.Task) && e.Node != TimelineRecorder.Orchestrator).GroupBy(e => e.Task!))
            {
                var (pid, tid) = tids[task.Key];
                var first = new Dictionary<string, TimelineEvent>();
                foreach (var e in task) first.TryAdd(e.Event, e);
                foreach (var (name, from, to) in Phases)
                {
                    if (!first.TryGetValue(from, out var start)) continue;
                    var end = first.GetValueOrDefault(to) ?? first.GetValueOrDefault("failed");
                    if (end is null) continue;
                    covered.Add(start);
                    covered.Add(end);
                    events.Add(new TraceEvent(name, "X", pid, tid, start.TimeUs, Math.Max(0, end.TimeUs - start.TimeUs), "task", Args: args));
                }
                foreach (var e in task.Where(e => e.Event is "read" or "written" or "failed"))
                {
                    covered.Add(e);
                    var eventArgs = new Dictionary<string, object?>(args) { ["value"] = e.Value, ["detail"] = e.Detail };
                    var name = e.Event == "failed" ? "failed" : $"{e.Event} {e.Value}";
                    events.Add(new TraceEvent(name, "i", pid, tid, e.TimeUs, Category: "task", Scope: "t", Args: eventArgs));
                }
            }
            foreach (var e in loop.Where(e => e.Event is "gate-opened" or "loop-verdict"))
            {
                covered.Add(e);
                events.Add(new TraceEvent(e.Event, "i", pids[e.Node], 0, e.TimeUs, Category: "loop", Scope: "p",
                    Args: new Dictionary<string, object?>(args) { ["detail"] = e.Detail }));
            }
        }

        // Flows: a slice of zero length at each end binds the arrow; the id pairs them.
        var id = 0L;
        var ends = new HashSet<(int Loop, string Event, string Node, string Message, long TimeUs)>();
        foreach (var loop in data.Loops)
        foreach (var arrow in loop.Arrows)
        {
            id++;
            ends.Add((loop.Loop, "sent", arrow.From, arrow.Message, arrow.SentUs));
            ends.Add((loop.Loop, "received", arrow.To, arrow.Message, arrow.ReceivedUs));
            var (fromPid, fromTid) = arrow.FromTask is { } t && tids.TryGetValue(t, out var lane) ? lane : (pids.GetValueOrDefault(arrow.From, 1), 0);
            var toPid = pids.GetValueOrDefault(arrow.To, 1);
            var args = new Dictionary<string, object?> { ["loop"] = loop.Loop, ["latencyUs"] = arrow.LatencyUs, ["task"] = arrow.FromTask };
            events.Add(new TraceEvent(arrow.Message, "X", fromPid, fromTid, arrow.SentUs, 0, "message", Args: args));
            events.Add(new TraceEvent(arrow.Message, "s", fromPid, fromTid, arrow.SentUs, Category: "message", Id: id));
            events.Add(new TraceEvent(arrow.Message, "X", toPid, 0, arrow.ReceivedUs, 0, "message", Args: args));
            events.Add(new TraceEvent(arrow.Message, "f", toPid, 0, arrow.ReceivedUs, Category: "message", Id: id, BindingPoint: "e"));
        }

        foreach (var e in data.Events)
        {
            if (covered.Contains(e)) continue;
            if (e is { Loop: { } l, Message: { } message } && ends.Contains((l, e.Event, e.Node, message, e.TimeUs))) continue;
            var pid = pids[e.Node];
            var tid = e.Task is { } t && tids.TryGetValue(t, out var lane) && lane.Pid == pid ? lane.Tid : 0;
            var args = new Dictionary<string, object?>();
            if (e.Loop is { } loop) args["loop"] = loop;
            if (e.Task is not null) args["task"] = e.Task;
            if (e.From is not null) args["from"] = e.From;
            if (e.To is not null) args["to"] = e.To;
            if (e.Value is not null) args["value"] = e.Value;
            if (e.Detail is not null) args["detail"] = e.Detail;
            events.Add(new TraceEvent(e.Message is null ? e.Event : $"{e.Event} {e.Message}", "i", pid, tid, e.TimeUs,
                Category: e.Task is not null ? "task" : e.Loop is not null ? "loop" : "run", Scope: tid > 0 ? "t" : "p", Args: args));
        }
        return new TraceFile(events);
    }

    /// <summary>Writes the trace through a temporary file.</summary>
    public static void Write(TimelineData data, string path)
    {
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary)) JsonSerializer.Serialize(stream, Build(data), Json);
        File.Move(temporary, path, overwrite: true);
    }
}
