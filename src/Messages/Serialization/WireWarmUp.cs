using Akka.Actor;
using Akka.Serialization;

namespace ActorRunner.Messages.Serialization;

/// <summary>
/// Each of a loop's messages through the actor system's own serializer and back, once, before the first loop: its
/// first serialization otherwise costs the first loop milliseconds of just-in-time compilation on the critical path.
/// Nothing is sent.
/// </summary>
public static class WireWarmUp
{
    /// <summary>Made-up loop messages of every kind a loop sends, with <paramref name="nodeId"/> and <paramref name="taskId"/> in them.</summary>
    public static IReadOnlyList<IRunnerMessage> LoopMessages(string nodeId, string taskId)
    {
        var now = WireClock.NowUs();
        var phases = new TaskPhases(now, now, now, now, now, now, now, now, now, now);
        return
        [
            new PrepareLoop(1, ReleaseWait.Spin, now),
            new TasksReady(1, nodeId, now, now, 0),
            new Release(1, now, now),
            new TaskReport(1, taskId, nodeId, TaskOutcome.Committed, 0, 1, phases, TaskFailure.None, null),
        ];
    }

    /// <summary>Serializes each message and reads it back; throws when one does not come back equal (the wire is broken).</summary>
    public static void RoundTrip(ActorSystem system, IEnumerable<object> messages)
    {
        foreach (var message in messages)
        {
            var serializer = system.Serialization.FindSerializerFor(message);
            var bytes = serializer.ToBinary(message);
            var back = system.Serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
            if (!message.Equals(back)) throw new InvalidOperationException($"{message.GetType().Name} did not come back from the wire as it went");
        }
    }
}
