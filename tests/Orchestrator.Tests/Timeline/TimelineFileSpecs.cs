using System.Text.Json;
using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Timeline;

public sealed class TimelineFileSpecs : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "timeline-file-" + Guid.NewGuid().ToString("N"));

    public TimelineFileSpecs() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Writes events as the producer does: one JSON object per line, camelCase, nulls omitted.</summary>
    internal static void WriteJsonl(string folder, IEnumerable<TimelineEvent> events) =>
        File.WriteAllLines(Path.Combine(folder, TimelineFile.FileName), events.Select(e => JsonSerializer.Serialize(e, TimelineEvent.Json)));

    [Fact]
    public void Read_returns_the_events_of_every_line_in_file_order()
    {
        var events = SyntheticTimeline.Create().Events;
        WriteJsonl(_folder, events);
        File.AppendAllText(Path.Combine(_folder, TimelineFile.FileName), "\n\n");

        Assert.Equal(events, TimelineFile.Read(_folder));
    }

    [Fact]
    public void Read_understands_the_documented_line_format()
    {
        File.WriteAllText(Path.Combine(_folder, TimelineFile.FileName),
            """
            {"timeUs":12345,"node":"node-1","loop":1,"task":"task-003","event":"read","value":41}
            {"timeUs":12400,"node":"node-1","loop":1,"event":"sent","message":"TaskReport","from":"node-1","to":"orchestrator"}
            """);

        var events = TimelineFile.Read(_folder);

        Assert.Equal(new TimelineEvent(12345, "node-1", 1, "task-003", "read", Value: 41), events[0]);
        Assert.Equal(new TimelineEvent(12400, "node-1", 1, null, "sent", "TaskReport", "node-1", "orchestrator"), events[1]);
    }

    [Fact]
    public void Read_names_a_missing_folder_or_file()
    {
        var missing = Path.Combine(_folder, "nope");

        Assert.Equal($"run folder not found: {missing}", Assert.Throws<TimelineFileError>(() => TimelineFile.Read(missing)).Message);
        Assert.Equal($"no timeline.jsonl in {_folder}", Assert.Throws<TimelineFileError>(() => TimelineFile.Read(_folder)).Message);
    }

    [Theory]
    [InlineData("{\"timeUs\":1,\"node\":\"node-1\"")]
    [InlineData("{\"timeUs\":1,\"node\":\"node-1\"}")]
    [InlineData("[1,2]")]
    public void Read_names_the_line_that_is_not_an_event(string bad)
    {
        File.WriteAllText(Path.Combine(_folder, TimelineFile.FileName), "{\"timeUs\":0,\"node\":\"orchestrator\",\"event\":\"run-started\"}\n" + bad + "\n");

        var error = Assert.Throws<TimelineFileError>(() => TimelineFile.Read(_folder));

        Assert.StartsWith($"{Path.Combine(_folder, TimelineFile.FileName)} line 2: not a timeline event", error.Message);
    }
}
