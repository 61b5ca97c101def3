namespace ActorRunner.Orchestrator;

/// <summary>
/// The orchestrator's fixed timings, in one place. The run's own (join, barrier, lock, loop and shutdown timeouts,
/// the release delay) are settings (<c>hocon/actor-runner.conf</c>); the release lead's bounds are the release
/// policy's (<see cref="Releasing.ReleaseLead"/>).
/// </summary>
public static class OrchestratorTimings
{
    /// <summary>
    /// Set-up time a node is given for each of its tasks, on top of the join timeout: opening a task (its
    /// connection, its lock, its thread) took about 1 ms here on a quiet machine, 4 ms with the two cores loaded
    /// twentyfold and 18 ms loaded a hundredfold; a node of 7,500 tasks gets about 3 minutes more.
    /// </summary>
    public static readonly TimeSpan NodeSetupPerTask = TimeSpan.FromMilliseconds(25);

    /// <summary>Added to each loop and to the run, beyond the sum of the timeouts, by the run's last guard (<see cref="Hosting.RunBound"/>).</summary>
    public static readonly TimeSpan RunMargin = TimeSpan.FromSeconds(30);

    /// <summary>How long the host may take to stop once the run is over (its actor system's shutdown included).</summary>
    public static readonly TimeSpan HostStop = TimeSpan.FromSeconds(5);

    /// <summary>How long nodes started early are given to leave once their input closes (the port picked for the orchestrator was taken) before they are killed.</summary>
    public static readonly TimeSpan EarlyNodesStop = TimeSpan.FromSeconds(5);

    /// <summary>How long Akka's HOCON parser may take on one layer of settings (a shape it loops on is an error, not a hang).</summary>
    public static readonly TimeSpan HoconParse = TimeSpan.FromSeconds(5);

    /// <summary>The live progress line is drawn again at most this often (a loop's verdict line is always printed at once).</summary>
    public static readonly TimeSpan ProgressRedraw = TimeSpan.FromMilliseconds(200);
}
