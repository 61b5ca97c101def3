using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Tests.Timeline;
using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Reporting;

/// <summary>What a run writes at its end is the same, byte for byte, whether its metadata was generated at build time or made by reflection.</summary>
public sealed class GeneratedJsonSpecs
{
    private static JsonSerializerOptions ByReflection(JsonSerializerOptions options) => new(options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    [Fact]
    public void The_report_is_written_as_reflection_writes_it_and_read_back()
    {
        var (settings, run) = OneClockSpecs.Settings();
        var report = RunReport.From(run, settings with { ScenarioSettings = new Dictionary<string, string> { ["connection"] = "Host=h;Password=p" } },
            OneClockSpecs.Outcome(), ExitCode.Verified, 1234.5) with { AbortReason = "a reason", Interrupted = true };

        var generated = JsonSerializer.Serialize(report, RunReport.Json);

        Assert.Equal(JsonSerializer.Serialize(report, ByReflection(RunReport.Json)), generated);
        Assert.Contains("\"stoppedBy\": \"loops\"", generated);
        Assert.Contains("\"releaseLead\": \"auto\"", generated);
        var back = JsonSerializer.Deserialize<RunReport>(generated, RunReport.Json)!;
        Assert.Equal(generated, JsonSerializer.Serialize(back, RunReport.Json));
    }

    [Fact]
    public void The_timeline_lines_page_data_and_trace_are_written_as_reflection_writes_them()
    {
        foreach (var data in new[] { SyntheticTimeline.Create(), LostUpdateTimeline.Create() })
        {
            Assert.Equal(JsonSerializer.Serialize(data, ByReflection(TimelineEvent.Json)), JsonSerializer.Serialize(data, TimelineEvent.Json));
            foreach (var e in data.Events)
                Assert.Equal(JsonSerializer.Serialize(e, ByReflection(TimelineEvent.Json)), JsonSerializer.Serialize(e, TimelineEvent.Json));
            var trace = TimelineTrace.Build(data);
            Assert.Equal(JsonSerializer.Serialize(trace, ByReflection(TimelineTrace.Json)), JsonSerializer.Serialize(trace, TimelineTrace.Json));
        }
    }
}
