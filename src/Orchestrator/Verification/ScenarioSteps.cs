using ActorRunner.Messages;
using ActorRunner.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorRunner.Orchestrator.Verification;

/// <summary>The next loop's reset (BeforeTasks), run right after a verdict when the run goes on.</summary>
public abstract record NextReset
{
    /// <summary>Not run: the loops stop here (the next loop, should one start, resets as it starts).</summary>
    public sealed record NotRun : NextReset { public static readonly NotRun Instance = new(); }

    /// <summary>Run: the next loop starts prepared.</summary>
    public sealed record Done : NextReset { public static readonly Done Instance = new(); }

    /// <summary>Failed: the run stops for <paramref name="Reason"/>.</summary>
    public sealed record Failed(string Reason) : NextReset;
}

/// <summary>
/// The orchestrator's side of the run's scenario: its steps with their context, and a loop's verdict from its
/// outcome and judgement. The steps are the user's code: the orchestrator actor runs them off its own thread.
/// </summary>
public sealed class ScenarioSteps(Scenario scenario, ScenarioRun run, ILogger log)
{
    public string Name => run.Scenario;

    public LoopContext Context(int loop) => new(run, loop, log);

    public void BeforeRun() => scenario.BeforeRun(Context(0));

    public void BeforeTasks(int loop) => scenario.BeforeTasks(Context(loop));

    /// <summary>Prepares <paramref name="loop"/> now (BeforeTasks), on this thread: how it went, a failure said rather than thrown.</summary>
    public NextReset Reset(int loop)
    {
        try
        {
            BeforeTasks(loop);
            return NextReset.Done.Instance;
        }
        catch (Exception e)
        {
            return new NextReset.Failed(PrepareFailure(loop, e));
        }
    }

    /// <summary>Why <paramref name="loop"/> could not be prepared, as the run's abort reason says it.</summary>
    public string PrepareFailure(int loop, Exception e) =>
        $"scenario {Name} could not prepare loop {loop} (BeforeTasks): {e.GetBaseException().Message}";

    /// <summary>
    /// After a loop: the scenario reads the outcome and judges it, the runner adds its own half, and the scenario
    /// hears the verdict. <paramref name="read"/> false: no task was released, nothing is read or judged.
    /// </summary>
    public LoopVerification EndLoop(int loop, int expected, IReadOnlyCollection<TaskReport> reports, IReadOnlyCollection<TaskError> missing,
        string? abortReason, bool read)
    {
        var context = Context(loop);
        var results = LoopVerifier.Results(reports, missing);
        var outcome = read ? scenario.AfterTasks(context) : new ScenarioOutcome("not read: no task was released", 0);
        var judgement = read ? scenario.ResultOk(context, outcome, results) : ScenarioJudgement.Held();
        var verification = LoopVerifier.Verify(expected, results, outcome, judgement, abortReason);
        try
        {
            scenario.AfterResult(context, new LoopVerdict(verification.Verdict.Name(), verification.Findings));
        }
        catch (Exception e)
        {
            // The verdict stands: AfterResult only hears it.
            log.LogError(e, "Scenario {Scenario} failed in AfterResult of loop {Loop}", run.Scenario, loop);
        }
        return verification;
    }
}
