using ActorRunner.Messages;
using ActorRunner.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorRunner.Orchestrator.Verification;

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
