using ActorRunner.Messages;
using ActorRunner.TaskNode.Tasks;

namespace ActorRunner.TaskNode.Tests.Tasks;

public sealed class ScenarioTermsSpecs
{
    private static NodeAccepted Accepted(RunnerLock runnerLock, string mode) =>
        new("run-7", "node-1", runnerLock, mode, "/tmp/run-7/counter.lock", "/tmp/run-7/counter.db", LockTimeoutMs: 250, LockHoldUs: 0,
            "sqlite-counter", "", "actor-runner", new Dictionary<string, string> { ["note"] = "x" }, Tasks: 4, Loops: 9,
            FirstTaskIndex: 2, TaskIds: ["task-3", "task-4"], KeepCpusAwake: false);

    [Theory]
    [InlineData(RunnerLock.File, LockModes.File, false)]
    [InlineData(RunnerLock.None, LockModes.None, false)]
    [InlineData(RunnerLock.Orchestrator, LockModes.Orchestrator, false)]
    [InlineData(RunnerLock.Scenario, "sqlite", true)]
    public void The_scenario_sees_the_run_the_node_was_accepted_on_and_applies_the_lock_only_when_the_runner_takes_none(
        RunnerLock runnerLock, string mode, bool appliedByScenario)
    {
        var run = ScenarioTerms.RunOf(Accepted(runnerLock, mode));

        Assert.Equal(("run-7", "sqlite-counter", 4, 9, "/tmp/run-7/counter.db"), (run.RunId, run.Scenario, run.Tasks, run.Loops, run.DbPath));
        Assert.Equal((mode, TimeSpan.FromMilliseconds(250), appliedByScenario), (run.Lock.Mode, run.Lock.Timeout, run.Lock.AppliedByScenario));
        Assert.Equal(("actor-runner", "x"), (run.Settings.Prefix, run.Settings.GetString("note")));
    }
}
