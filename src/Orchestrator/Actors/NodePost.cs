using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Timeline;
using Akka.Actor;

namespace ActorRunner.Orchestrator.Actors;

/// <summary>The orchestrator's messages to its nodes, each send recorded on the run's timeline.</summary>
public sealed class NodePost(TimelineRecorder timeline)
{
    /// <summary>Sends each of <paramref name="nodes"/> its message (<paramref name="messageFor"/>), for <paramref name="loop"/>.</summary>
    public void Tell(IEnumerable<RosterNode> nodes, Func<RosterNode, object> messageFor, int? loop)
    {
        foreach (var node in nodes)
        {
            var message = messageFor(node);
            node.Ref!.Tell(message);
            timeline.Sent(message, node.Id, loop);
        }
    }

    /// <summary>Answers node <paramref name="nodeId"/> at <paramref name="to"/>, outside any loop.</summary>
    public void Reply(IActorRef to, object message, string nodeId)
    {
        to.Tell(message);
        timeline.Sent(message, nodeId, null);
    }
}
