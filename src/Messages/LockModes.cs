namespace ActorRunner.Messages;

/// <summary>The lock the runner itself takes around every task's critical action; travels in <see cref="NodeAccepted"/>.</summary>
public enum RunnerLock
{
    /// <summary>Lock mode "none": no lock at all, the negative control.</summary>
    None = 0,
    /// <summary>Lock mode "file": an OS file lock (flock) on the run's lock file, one descriptor per task.</summary>
    File = 1,
    /// <summary>Lock mode "orchestrator": the orchestrator's lock actor, reached over Akka.Remote.</summary>
    Orchestrator = 2,
    /// <summary>A mode the scenario applies itself (sqlite, postgres-advisory): the runner takes none.</summary>
    Scenario = 3,
}

/// <summary>The lock modes as the settings (lock.mode, --lock) and the scenarios (LockInfo.Mode) spell them.</summary>
public static class LockModes
{
    public const string None = "none";
    public const string File = "file";
    public const string Orchestrator = "orchestrator";

    /// <summary>The modes the runner applies itself, in the order messages list them.</summary>
    public static readonly IReadOnlyList<string> Runner = [File, None, Orchestrator];

    /// <summary>The runner's lock for a mode: its own for the modes in <see cref="Runner"/>; any other the scenario applies.</summary>
    public static RunnerLock Of(string mode) => mode switch
    {
        None => RunnerLock.None,
        File => RunnerLock.File,
        Orchestrator => RunnerLock.Orchestrator,
        _ => RunnerLock.Scenario,
    };
}
