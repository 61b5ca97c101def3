using System.Text.Json;

namespace ActorRunner.Orchestrator.Timeline;

/// <summary>A timeline.jsonl that cannot be read: one line naming the folder, the file or the line.</summary>
public sealed class TimelineFileError(string message) : Exception(message);

/// <summary>Reads a run folder's timeline.jsonl: one <see cref="TimelineEvent"/> per line, camelCase, nulls omitted.</summary>
public static class TimelineFile
{
    public const string FileName = "timeline.jsonl";

    /// <summary>The events of the run, in file order. Blank lines are skipped.</summary>
    /// <exception cref="TimelineFileError">The folder or the file is missing, or a line is not an event.</exception>
    public static IReadOnlyList<TimelineEvent> Read(string runFolder)
    {
        if (!Directory.Exists(runFolder)) throw new TimelineFileError($"run folder not found: {runFolder}");
        var path = Path.Combine(runFolder, FileName);
        if (!File.Exists(path)) throw new TimelineFileError($"no {FileName} in {runFolder}");

        var events = new List<TimelineEvent>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            events.Add(Parse(line, path, number));
        }
        return events;
    }

    private static TimelineEvent Parse(string line, string path, int number)
    {
        TimelineEvent? e;
        try
        {
            e = JsonSerializer.Deserialize<TimelineEvent>(line, TimelineEvent.Json);
        }
        catch (JsonException ex)
        {
            throw new TimelineFileError($"{path} line {number}: not a timeline event ({ex.Message})");
        }
        // Node and Event are required: a line without them would draw nothing and hide a producer's mistake.
        if (e is null || string.IsNullOrEmpty(e.Node) || string.IsNullOrEmpty(e.Event))
            throw new TimelineFileError($"{path} line {number}: not a timeline event (node and event are required)");
        return e;
    }
}
