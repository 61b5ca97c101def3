using ActorRunner.Messages;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Books;

/// <summary>What the scenario reads and judges a loop by: the ledger as it stood when the loop ended (copies: the books go on).</summary>
/// <param name="Read">Some task was released: the outcome is read (else none can have acted, and reading could race the loop's own reset).</param>
public readonly record struct LoopClose(int Loop, int Expected, IReadOnlyList<TaskReport> Reports, IReadOnlyList<TaskError> Missing, string? Abort, bool Read);

/// <summary>What follows a loop's verdict: the run finishes, or the next loop starts.</summary>
public abstract record AfterVerdict
{
    /// <param name="Reason">Why the run stops early; null when the loops simply ran out.</param>
    /// <param name="StoppedBy">What ran out (their count, the time budget), when that is why.</param>
    public sealed record Finish(string? Reason, StoppedBy? StoppedBy = null) : AfterVerdict;

    /// <param name="Prepared">The scenario has prepared it already (its reset ran right after the verdict).</param>
    public sealed record NextLoop(bool Prepared) : AfterVerdict;
}

/// <summary>
/// A loop judged off the actor's thread: the scenario reads and judges it, whether the loops stop after it is decided
/// with the verdict, once, and when the run goes on the next loop's reset follows at once, on the same thread.
/// </summary>
public static class LoopJudging
{
    /// <summary>Judges the loop that ended (<paramref name="end"/>) on a pool thread (<see cref="Judge"/>), the time budget read on the wire clock.</summary>
    public static Task<(LoopVerification Verification, StoppedBy? Stopped, NextReset Next)> Start(ScenarioSteps scenario, LoopEnd end, LoopPlan plan,
        long firstLoopStartUs, bool continueOnFailure) =>
        Task.Run(() => Judge(scenario, end.Close, plan, firstLoopStartUs, WireClock.NowUs, end.MayGoOn, continueOnFailure));

    /// <summary>Why the run stops when scenario <paramref name="scenario"/> could not read or judge the loop that ended (<paramref name="end"/>): its error, and who may hold the store.</summary>
    public static string Failure(string scenario, int loop, Exception error, LoopEnd end) =>
        $"scenario {scenario} could not read or judge loop {loop} (AfterTasks, ResultOk): {error.GetBaseException().Message}{end.Suspects}";

    /// <param name="firstLoopStartUs">When the first loop began: the time budget is measured from it once the verdict is in (<paramref name="nowUs"/>).</param>
    /// <param name="mayGoOn">The loop was read, was not cut short and lost no node: only then can another follow it.</param>
    /// <param name="continueOnFailure">A loop not verified does not stop the run.</param>
    public static (LoopVerification Verification, StoppedBy? Stopped, NextReset Next) Judge(ScenarioSteps scenario, LoopClose close, LoopPlan plan,
        long firstLoopStartUs, Func<long> nowUs, bool mayGoOn, bool continueOnFailure)
    {
        var verification = scenario.EndLoop(close.Loop, close.Expected, close.Reports, close.Missing, close.Abort, close.Read);
        var stopped = plan.After(close.Loop, RunCourse.Elapsed(firstLoopStartUs, nowUs()));
        var goesOn = mayGoOn && stopped is null && (verification.Verdict == Verdict.Verified || continueOnFailure);
        return (verification, stopped, goesOn ? scenario.Reset(close.Loop + 1) : NextReset.NotRun.Instance);
    }

    /// <summary>
    /// What follows the verdict <paramref name="verdict"/> on a loop that was cut short for <paramref name="abort"/>
    /// (null: it was not) or lost a node (<paramref name="nodeLost"/>), the loops <paramref name="stopped"/> or not, the
    /// next loop's reset <paramref name="next"/>. A loop cut short ends the run whatever continue-on-failure says: its
    /// nodes or tasks cannot be trusted to run another loop.
    /// </summary>
    public static AfterVerdict After(string? abort, bool nodeLost, Verdict verdict, bool continueOnFailure, StoppedBy? stopped, NextReset next)
    {
        if (abort is not null || nodeLost) return new AfterVerdict.Finish(abort ?? "a node was lost");
        if (verdict != Verdict.Verified && !continueOnFailure) return new AfterVerdict.Finish(null);
        if (stopped is { } stoppedBy) return new AfterVerdict.Finish(null, stoppedBy);
        if (next is NextReset.Failed failed) return new AfterVerdict.Finish(failed.Reason);
        return new AfterVerdict.NextLoop(Prepared: next is NextReset.Done);
    }
}
