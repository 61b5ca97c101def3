namespace ActorRunner.Orchestrator.Releasing;

/// <summary>
/// How loud each release a node had after its instant is said: a long hunt on a busy machine can have many, so the
/// first <see cref="Warned"/> are warnings and the rest go to the log file at debug level, the last warning saying so.
/// </summary>
public sealed class LateReleaseWarnings
{
    public const int Warned = 20;

    /// <summary>Late releases counted so far.</summary>
    public long Count { get; private set; }

    /// <summary>Counts one more: whether it is a warning, and whether it is the last one that is.</summary>
    public (bool Warning, bool LastWarning) Next()
    {
        Count++;
        return (Count <= Warned, Count == Warned);
    }
}
