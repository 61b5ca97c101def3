namespace ActorRunner.Orchestrator.Verification;

public enum Verdict
{
    /// <summary>The critical section held.</summary>
    Verified,
    /// <summary>The invariant failed: a finding.</summary>
    Violated,
    /// <summary>Tasks could not finish (lock timeouts, a node lost, a barrier timeout): no verdict either way.</summary>
    Inconclusive,
}

public static class VerdictExtensions
{
    public static string Name(this Verdict verdict) => verdict.ToString().ToLowerInvariant();

    /// <summary>The worse of two verdicts: violated beats inconclusive beats verified.</summary>
    public static Verdict Worst(this Verdict a, Verdict b) =>
        a == Verdict.Violated || b == Verdict.Violated ? Verdict.Violated
        : a == Verdict.Inconclusive || b == Verdict.Inconclusive ? Verdict.Inconclusive
        : Verdict.Verified;
}
