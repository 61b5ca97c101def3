using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorRunner.Orchestrator.Timeline;

/// <summary>
/// One event of a run, in the orchestrator's clock: microseconds since the run started (node timestamps are
/// corrected by the node's measured clock offset). One line of timeline.jsonl.
/// </summary>
/// <param name="TimeUs">Microseconds since the run started, orchestrator clock.</param>
/// <param name="Node">"orchestrator" or the node the event happened on (for a task event: the task's node).</param>
/// <param name="Loop">The loop, null for run-level events.</param>
/// <param name="Task">The task, null for node- and run-level events.</param>
/// <param name="Event">
/// Task events: ready, released, lock-requested, lock-acquired, read, written, lock-released, reported, failed.
/// Node events: gate-opened. Messages: sent, received (with Message, From, To). Run events: run-started,
/// registered, loop-verdict, run-ended.
/// </param>
/// <param name="Message">For sent/received: the message type (PrepareLoop, TasksReady, Release, TaskReport, ...).</param>
/// <param name="From">For messages: "orchestrator" or a node id.</param>
/// <param name="To">For messages: "orchestrator" or a node id.</param>
/// <param name="Value">For read and written: what the task reported (the counter: the value read, the value written).</param>
/// <param name="Detail">Free text: an error, a verdict's summary.</param>
public sealed record TimelineEvent(
    long TimeUs,
    string Node,
    int? Loop,
    string? Task,
    string Event,
    string? Message = null,
    string? From = null,
    string? To = null,
    long? Value = null,
    string? Detail = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = Reporting.GeneratedJson.Resolver,
    };
}

/// <summary>A loop as the timeline page summarizes it.</summary>
public sealed record TimelineLoop(
    int Loop,
    string Verdict,
    int Expected,
    IReadOnlyList<IReadOnlyList<string>> Collisions,
    string Outcome,
    double ReleaseSpreadMs,
    double ReleaseSpreadP50Ms,
    double ReleaseSpreadP99Ms,
    double LockWaitP50Ms,
    double LockWaitP99Ms,
    double CriticalSectionsPerSecond)
{
    /// <summary>The lost updates: whose write replaced whose (see <see cref="Interleaving"/>).</summary>
    public IReadOnlyList<Overwrite> Overwrites { get; init; } = [];

    /// <summary>The protocol messages, sender to receiver (see <see cref="MessageArrows"/>).</summary>
    public IReadOnlyList<MessageArrow> Arrows { get; init; } = [];
}

/// <summary>A node and its tasks, in lane order.</summary>
public sealed record TimelineNode(string Node, IReadOnlyList<string> Tasks, double ClockOffsetMs, double ClockUncertaintyMs);

/// <summary>Everything the page and the text view need.</summary>
public sealed record TimelineData(
    string RunId,
    string Verdict,
    IReadOnlyList<TimelineNode> Nodes,
    IReadOnlyList<TimelineLoop> Loops,
    IReadOnlyList<TimelineEvent> Events);
