using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Reporting;

/// <summary>The orchestrator's exit codes, as the README documents them.</summary>
public enum ExitCode
{
    /// <summary>Every loop verified.</summary>
    Verified = 0,
    /// <summary>The critical section did not hold (a finding).</summary>
    Violated = 1,
    /// <summary>Bad usage or configuration: nothing was started, nothing written.</summary>
    BadUsage = 2,
    /// <summary>Inconclusive or aborted: timeouts, a node lost, an I/O error, interrupted.</summary>
    Inconclusive = 3,
}

public static class ExitCodes
{
    public static ExitCode For(Verdict verdict) => verdict switch
    {
        Verdict.Verified => ExitCode.Verified,
        Verdict.Violated => ExitCode.Violated,
        _ => ExitCode.Inconclusive,
    };
}
