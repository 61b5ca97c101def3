namespace ActorRunner.Orchestrator.Configuration;

/// <summary>Every effective setting of a run, parsed and validated before anything starts.</summary>
public sealed record RunSettings
{
    public required int Tasks { get; init; }
    /// <summary>Local node processes to start.</summary>
    public required int Nodes { get; init; }
    /// <summary>The most tasks one node hosts.</summary>
    public required int TasksPerNode { get; init; }
    /// <summary>Why the default layout has more nodes than one per core (the machine's limits), for the console; null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? LayoutNote { get; init; }
    public required int RemoteNodes { get; init; }
    /// <summary>Loops to run; 0: no count limit (then <see cref="Duration"/> ends the run).</summary>
    public required int Loops { get; init; }
    /// <summary>How long loops keep starting; zero: no time limit (then <see cref="Loops"/> ends the run).</summary>
    public required TimeSpan Duration { get; init; }
    public required bool ContinueOnFailure { get; init; }
    public required TimeSpan ReleaseDelay { get; init; }
    /// <summary>A fixed lead between sending the Release and its instant; null: derived from the measured deliveries.</summary>
    public required TimeSpan? ReleaseLead { get; init; }
    /// <summary>How the nodes' tasks wait for the release (release.wait).</summary>
    public Releasing.ReleaseWaitChoice ReleaseWait { get; init; } = Releasing.ReleaseWaitChoice.Auto;
    /// <summary>Whether each process of the run holds its machine's CPUs out of slow idle states (release.keep-cpus-awake).</summary>
    public bool KeepCpusAwake { get; init; } = true;
    /// <summary>One of <see cref="LockModes.Runner"/>, or one the scenario applies itself (sqlite, postgres-advisory).</summary>
    public required string LockMode { get; init; }
    public required TimeSpan LockTimeout { get; init; }
    /// <summary>Extra time a task keeps the lock after its write.</summary>
    public required TimeSpan LockHold { get; init; }
    /// <summary>Empty: counter.lock in the run folder.</summary>
    public required string LockFile { get; init; }
    /// <summary>Empty: counter.db in the run folder.</summary>
    public required string Db { get; init; }
    public required string Out { get; init; }
    public required bool AllowNetworkFs { get; init; }
    /// <summary>Empty: report.json in the run folder.</summary>
    public required string Report { get; init; }
    public required string LogLevel { get; init; }
    public required TimeSpan JoinTimeout { get; init; }
    public required TimeSpan BarrierTimeout { get; init; }
    public required TimeSpan LoopTimeout { get; init; }
    public required TimeSpan ShutdownTimeout { get; init; }
    public required string Hostname { get; init; }
    public required int Port { get; init; }
    public required string PublicHostname { get; init; }
    public required string Token { get; init; }
    /// <summary>PEM files for TLS (all empty: no TLS).</summary>
    public required string TlsCert { get; init; }
    public required string TlsKey { get; init; }
    public required string TlsCa { get; init; }
    /// <summary>Hosts on each of which the orchestrator starts one node through <see cref="RemoteLaunch"/>; counted in <see cref="RemoteNodes"/>.</summary>
    public IReadOnlyList<string> RemoteHosts { get; init; } = [];
    /// <summary>The command that starts a node on a host (see <see cref="Launching.LaunchTemplate"/>), empty when no host is given.</summary>
    public string RemoteLaunch { get; init; } = "";

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Tls => TlsCert.Length > 0;

    /// <summary>How long every node has to register and set up its tasks: the join timeout, and set-up time for the largest node's tasks.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan JoinLimit => JoinTimeout + OrchestratorTimings.NodeSetupPerTask * TasksPerNode;

    [System.Text.Json.Serialization.JsonIgnore]
    public int TotalNodes => Nodes + RemoteNodes;

    /// <summary>The lock mode as the wire and the HOCON files spell it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string LockModeName => LockMode;

    /// <summary>The lock the runner takes around each task's critical action (<see cref="Messages.RunnerLock.Scenario"/>: none, the scenario applies the mode).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Messages.RunnerLock Lock => Messages.LockModes.Of(LockMode);

    /// <summary>Whether the scenario applies the lock mode itself (in its transaction), so the runner takes none.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool LockAppliedByScenario => Lock == Messages.RunnerLock.Scenario;

    /// <summary>The scenario: a built-in name or "Namespace.Type, Assembly".</summary>
    public required string Scenario { get; init; }
    /// <summary>The user's scenario assembly (full path), empty for a built-in.</summary>
    public required string ScenarioAssembly { get; init; }
    /// <summary>The scenario's settings section (e.g. actor-runner.postgres); actor-runner for a scenario without one.</summary>
    public required string ScenarioSection { get; init; }
    /// <summary>The scenario's own settings, every key of its section with its effective value.</summary>
    public required IReadOnlyDictionary<string, string> ScenarioSettings { get; init; }

    /// <summary>
    /// The terms every node is accepted on, before its own id and tasks are put in (an empty id, no tasks): the run,
    /// the lock, the shared files at <paramref name="lockFile"/> and <paramref name="dbPath"/>, the scenario.
    /// </summary>
    public Messages.NodeAccepted NodeTerms(string runId, string lockFile, string dbPath) =>
        new(runId, NodeId: "", Lock, LockModeName, lockFile, dbPath,
            (long)LockTimeout.TotalMilliseconds, (long)LockHold.TotalMicroseconds,
            Scenario, ScenarioAssembly, ScenarioSection, ScenarioSettings,
            Tasks, Loops, FirstTaskIndex: 0, TaskIds: [], KeepCpusAwake);

    /// <summary>Task ids of each node slot, local slots first: tasks spread evenly, in order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> TaskSlots()
    {
        var slots = new List<IReadOnlyList<string>>(TotalNodes);
        var width = Tasks.ToString().Length;
        var next = 1;
        for (var slot = 0; slot < TotalNodes; slot++)
        {
            var count = Tasks / TotalNodes + (slot < Tasks % TotalNodes ? 1 : 0);
            slots.Add(Enumerable.Range(next, count).Select(i => "task-" + i.ToString().PadLeft(width, '0')).ToList());
            next += count;
        }
        return slots;
    }
}
