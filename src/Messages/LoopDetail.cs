namespace ActorRunner.Messages;

/// <summary>
/// Which loops every process tells in full in its logs, decided before the loop runs: the first loops and a
/// sample. A long hunt thus writes a bounded log; the orchestrator keeps, besides these, every loop that was not
/// verified (see the orchestrator's loop book).
/// </summary>
public static class LoopDetail
{
    /// <summary>The first loops of a run, always told and kept in full.</summary>
    public const int FirstLoops = 20;

    /// <summary>Every this-many-th loop is told and kept in full, as a sample of the rest.</summary>
    public const int SampleEvery = 1000;

    /// <summary>Whether the loop is told in full whatever its verdict.</summary>
    public static bool Planned(int loop) => loop <= FirstLoops || loop % SampleEvery == 0;
}
