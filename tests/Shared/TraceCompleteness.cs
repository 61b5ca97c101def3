using System.Text.Json;

namespace ActorRunner.Tests.Shared;

/// <summary>
/// Whether timeline.trace.json holds every event of timeline.jsonl, read from the two files as they are: each
/// event must be in the trace on its node's process (a task's on the task's thread), at its instant, in its loop,
/// under its name. A task's phase events may be the start or the end of the slice of that phase; a read or a write
/// carries its value in its name; a message is a slice or an instant named after the message.
/// </summary>
public static class TraceCompleteness
{
    private static readonly Dictionary<string, (string Slice, bool Start)[]> PhaseEnds = new()
    {
        ["ready"] = [("waiting for the release", true)],
        ["released"] = [("waiting for the release", false)],
        ["lock-requested"] = [("waiting for the lock", true)],
        ["lock-acquired"] = [("waiting for the lock", false), ("holding the lock", true)],
        ["lock-released"] = [("holding the lock", false)],
    };

    /// <summary>The events of <paramref name="timeline"/> the trace does not hold, one line each (empty when it holds them all).</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<JsonElement> timeline, JsonElement trace)
    {
        var traceEvents = trace.GetProperty("traceEvents").EnumerateArray().ToList();
        string? Name(JsonElement e) => e.GetProperty("args").TryGetProperty("name", out var n) ? n.GetString() : null;
        var pids = traceEvents.Where(e => e.GetProperty("name").GetString() == "process_name")
            .ToDictionary(e => Name(e)!, e => e.GetProperty("pid").GetInt32());
        var tids = traceEvents.Where(e => e.GetProperty("name").GetString() == "thread_name" && e.GetProperty("tid").GetInt32() > 0)
            .ToDictionary(e => Name(e)!, e => (Pid: e.GetProperty("pid").GetInt32(), Tid: e.GetProperty("tid").GetInt32()));
        var byPid = traceEvents.Where(e => e.GetProperty("ph").GetString() != "M").ToLookup(e => e.GetProperty("pid").GetInt32());

        var missing = new List<string>();
        foreach (var e in timeline)
        {
            var node = e.GetProperty("node").GetString()!;
            var name = e.GetProperty("event").GetString()!;
            var timeUs = e.GetProperty("timeUs").GetInt64();
            int? loop = e.TryGetProperty("loop", out var l) ? l.GetInt32() : null;
            var task = e.TryGetProperty("task", out var t) ? t.GetString() : null;
            var message = e.TryGetProperty("message", out var m) ? m.GetString() : null;
            long? value = e.TryGetProperty("value", out var v) ? v.GetInt64() : null;

            bool Holds(JsonElement x)
            {
                if (task is not null && node != "orchestrator" && (!tids.TryGetValue(task, out var lane) || x.GetProperty("tid").GetInt32() != lane.Tid))
                    return false;
                if (loop is not null && !(x.TryGetProperty("args", out var args) && args.TryGetProperty("loop", out var inLoop) && inLoop.GetInt32() == loop))
                    return false;
                var ts = x.GetProperty("ts").GetInt64();
                var end = x.TryGetProperty("dur", out var dur) ? ts + dur.GetInt64() : ts;
                var traceName = x.GetProperty("name").GetString()!;
                if (PhaseEnds.TryGetValue(name, out var slices)
                    && slices.Any(s => traceName == s.Slice && x.GetProperty("ph").GetString() == "X" && (s.Start ? ts : end) == timeUs))
                    return true;
                if (ts != timeUs) return false;
                if (value is not null) return traceName == $"{name} {value}";
                if (message is not null && traceName == message) return true;
                return traceName == name || traceName.StartsWith(name + " ", StringComparison.Ordinal);
            }

            if (!pids.TryGetValue(node, out var pid) || !byPid[pid].Any(Holds))
                missing.Add(e.GetRawText());
        }
        return missing;
    }
}
