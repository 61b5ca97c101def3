namespace ActorRunner.Scenarios;

/// <summary>The orchestrator's side of a critical action: prepare the shared state and read the outcome.</summary>
public interface IScenarioState
{
    /// <summary>Once per run, before any node joins: create what the tasks will act on.</summary>
    void Prepare();

    /// <summary>Before each loop: put the shared state back to its start.</summary>
    void BeforeTasks(int loop);

    /// <summary>After each loop: the value the verifier compares with what the tasks acknowledged.</summary>
    long AfterTasks(int loop);

    /// <summary>A consistency check of the shared state ("ok" when sound).</summary>
    string IntegrityCheck();
}

/// <summary>One task's side: the critical action itself, run at the release inside the chosen lock.</summary>
public interface IScenarioTask : IDisposable
{
    /// <summary>Opens what the task keeps across loops (its own connection).</summary>
    void Open();

    /// <summary>Runs the critical action once.</summary>
    ActionResult Act();
}

/// <summary>What a task saw and did, with the instants (µs since the Unix epoch) of its read and its commit.</summary>
public sealed record ActionResult(long Observed, long Written, long ReadUs, long WrittenUs);

/// <summary>The critical action failed. <see cref="MayHaveCommitted"/> tells whether its write may have landed.</summary>
public sealed class ScenarioException(string message, bool mayHaveCommitted, Exception? inner = null)
    : Exception(message, inner)
{
    public bool MayHaveCommitted { get; } = mayHaveCommitted;
}
