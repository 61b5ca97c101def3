using ActorRunner.Messages;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Books;

/// <summary>What the scenario reads and judges a loop by: the ledger as it stood when the loop ended (copies: the books go on).</summary>
/// <param name="Read">Some task was released: the outcome is read (else none can have acted, and reading could race the loop's own reset).</param>
public sealed record LoopClose(int Loop, int Expected, IReadOnlyList<TaskReport> Reports, IReadOnlyList<TaskError> Missing, string? Abort, bool Read);

/// <summary>
/// A loop judged off the actor's thread: the scenario reads and judges it, whether the loops stop after it is decided
/// with the verdict, once, and when the run goes on the next loop's reset follows at once, on the same thread.
/// </summary>
public static class LoopJudging
{
    /// <param name="elapsed">From the first loop's start to now, asked once the verdict is in (the time budget).</param>
    /// <param name="mayGoOn">The loop was read, was not cut short and lost no node: only then can another follow it.</param>
    /// <param name="continueOnFailure">A loop not verified does not stop the run.</param>
    public static (LoopVerification Verification, StoppedBy? Stopped, NextReset Next) Judge(ScenarioSteps scenario, LoopClose close, LoopPlan plan,
        Func<TimeSpan> elapsed, bool mayGoOn, bool continueOnFailure)
    {
        var verification = scenario.EndLoop(close.Loop, close.Expected, close.Reports, close.Missing, close.Abort, close.Read);
        var stopped = plan.After(close.Loop, elapsed());
        var goesOn = mayGoOn && stopped is null && (verification.Verdict == Verdict.Verified || continueOnFailure);
        return (verification, stopped, goesOn ? scenario.Reset(close.Loop + 1) : NextReset.NotRun.Instance);
    }
}
