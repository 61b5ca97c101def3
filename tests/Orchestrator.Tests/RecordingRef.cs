using Akka.Actor;

namespace ActorRunner.Orchestrator.Tests;

/// <summary>An actor reference with no actor system behind it: keeps every message told to it, in order.</summary>
public sealed class RecordingRef(string name) : MinimalActorRef
{
    private readonly List<object> _told = new();

    public override ActorPath Path { get; } = new RootActorPath(new Address("akka", "specs")) / name;
    public override IActorRefProvider Provider => throw new NotSupportedException("no actor system behind a fake reference");

    public IReadOnlyList<object> Told => _told;

    protected override void TellInternal(object message, IActorRef sender) => _told.Add(message);
}
