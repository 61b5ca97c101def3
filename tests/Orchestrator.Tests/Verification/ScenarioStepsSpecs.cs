using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorRunner.Orchestrator.Tests.Verification;

public sealed class ScenarioStepsSpecs
{
    private static readonly ScenarioRun Run = new("run-steps", "resetting", 2, 5, new LockInfo("file", TimeSpan.FromSeconds(1), false), "", ScenarioSection.Empty);

    [Fact]
    public void A_reset_that_runs_says_so_and_the_scenario_prepared_that_loop()
    {
        var scenario = new ResettingScenario();

        Assert.Same(NextReset.Done.Instance, new ScenarioSteps(scenario, Run, NullLogger.Instance).Reset(3));
        Assert.Equal([3], scenario.Prepared);
    }

    [Fact]
    public void A_reset_that_fails_says_why_naming_the_scenario_and_the_loop_instead_of_throwing()
    {
        var scenario = new ResettingScenario { Failing = 4 };

        var next = new ScenarioSteps(scenario, Run, NullLogger.Instance).Reset(4);

        var failed = Assert.IsType<NextReset.Failed>(next);
        Assert.Equal("scenario resetting could not prepare loop 4 (BeforeTasks): disk I/O error", failed.Reason);
        Assert.Empty(scenario.Prepared);
    }

    private sealed class ResettingScenario : Scenario
    {
        public int Failing { get; init; }
        public List<int> Prepared { get; } = [];

        public override void BeforeTasks(LoopContext context)
        {
            if (context.Loop == Failing) throw new AggregateException(new IOException("disk I/O error"));
            Prepared.Add(context.Loop);
        }

        public override IScenarioTask CreateTask(TaskContext context) => throw new NotSupportedException("no tasks here");

        public override ScenarioOutcome AfterTasks(LoopContext context) => new("nothing", 0);

        public override ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results) => ScenarioJudgement.Held();
    }
}
