using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Reporting;

/// <summary>
/// The serializer's metadata for what a run writes at its end (report.json, the timeline's lines, page and trace),
/// generated at build time: made by reflection at run time it cost the end of every run about 0.2 s. Each set of
/// options keeps its own naming, converters and null handling; a type not listed here falls back to reflection.
/// </summary>
[JsonSerializable(typeof(RunReport))]
[JsonSerializable(typeof(TimelineEvent))]
[JsonSerializable(typeof(TimelineData))]
[JsonSerializable(typeof(TimelineTrace.TraceFile))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
internal sealed partial class GeneratedJson : JsonSerializerContext
{
    /// <summary>The generated metadata first, reflection for anything else.</summary>
    public static IJsonTypeInfoResolver Resolver { get; } = JsonTypeInfoResolver.Combine(Default, new DefaultJsonTypeInfoResolver());
}
