namespace ActorRunner.Messages;

/// <summary>Marker for every message that crosses the wire; the runner's serializer binds to it.</summary>
public interface IRunnerMessage;

/// <summary>Constants both sides of the wire agree on.</summary>
public static class Protocol
{
    /// <summary>Bumped whenever a message changes shape; nodes of another version are refused.</summary>
    public const int Version = 7;

    /// <summary>
    /// How long before the agreed instant a node's thread stops sleeping and spins on the clock (µs), at ordinary
    /// priority: its wake-up from a timed sleep can be put off by whatever else runs on the machine.
    /// </summary>
    public const long ReleaseSpinStretchUs = 1_000;

    /// <summary>
    /// The same stretch for a thread at real-time priority (µs): nothing ordinary delays its wake-up, which comes
    /// within tens of microseconds of the time asked. The release lead leaves at least this much (and a margin to
    /// wake the threads) between a Release's arrival and its instant; a Release that arrives inside a longer
    /// stretch still opens the gate at the instant.
    /// </summary>
    public const long RealTimeSpinStretchUs = 300;

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
