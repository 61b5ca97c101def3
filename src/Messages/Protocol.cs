namespace ActorRunner.Messages;

/// <summary>Marker for every message that crosses the wire; the runner's serializer binds to it.</summary>
public interface IRunnerMessage;

/// <summary>Constants both sides of the wire agree on.</summary>
public static class Protocol
{
    /// <summary>Bumped whenever a message changes shape; nodes of another version are refused.</summary>
    public const int Version = 6;

    /// <summary>
    /// How long before the agreed instant a node stops sleeping and spins on the clock (µs). The release lead must
    /// leave at least this much between a Release's arrival and its instant.
    /// </summary>
    public const long ReleaseSpinStretchUs = 1_000;

    /// <summary>Name of the orchestrator's actor system (the node joins akka.tcp://actor-runner@host:port).</summary>
    public const string SystemName = "actor-runner";

    /// <summary>Name of the task nodes' actor system.</summary>
    public const string NodeSystemName = "actor-runner-node";

    public const string OrchestratorActorName = "orchestrator";
    public const string LockActorName = "lock";
    public const string NodeActorName = "node";

    /// <summary>Path of the orchestrator actor, relative to the system's address.</summary>
    public const string OrchestratorPath = "/user/" + OrchestratorActorName;

    /// <summary>Path of the orchestrator's lock actor, its child (lock mode "orchestrator").</summary>
    public const string LockPath = OrchestratorPath + "/" + LockActorName;
}
