namespace ActorRunner.TaskNode;

/// <summary>
/// The node's fixed timings, in one place. The run's own (join, lock and loop timeouts, the release instant)
/// come from the command line and from <c>NodeAccepted</c>.
/// </summary>
public static class NodeTimings
{
    /// <summary>How often a joining node asks to register until it is accepted or its join timeout ends.</summary>
    public static readonly TimeSpan RegisterEvery = TimeSpan.FromSeconds(1);

    /// <summary>How long one clock probe waits for the orchestrator's answer.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Round trips of the clock measurement at set-up (the shortest is kept).</summary>
    public const int SetUpProbes = 7;

    /// <summary>How long the node looks for the orchestrator's lock actor (lock mode "orchestrator").</summary>
    public static readonly TimeSpan LockActorLookup = TimeSpan.FromSeconds(10);

    /// <summary>How long proving that the lock file excludes may wait for another node doing the same.</summary>
    public static readonly TimeSpan ExclusionProofWithin = TimeSpan.FromSeconds(2);

    /// <summary>How often that proof tries the lock again while another node holds it.</summary>
    public static readonly TimeSpan ExclusionProofRetry = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How long the node's host may take to stop once the node leaves (its goodbye and Akka's shutdown): the
    /// orchestrator may be gone and the goodbye undeliverable, so the node exits anyway after this.
    /// </summary>
    public static readonly TimeSpan HostStop = TimeSpan.FromSeconds(3);

    /// <summary>
    /// From the node's decision to leave to the end of its process, whatever its actor system's stop and disposal do
    /// (beyond <see cref="HostStop"/>, with room to flush the log): no node outlives its run.
    /// </summary>
    public static readonly TimeSpan ExitAtTheLatest = HostStop + TimeSpan.FromSeconds(2);
}
