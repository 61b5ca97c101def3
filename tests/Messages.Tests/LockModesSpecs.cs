namespace ActorRunner.Messages.Tests;

public sealed class LockModesSpecs
{
    [Theory]
    [InlineData(LockModes.None, RunnerLock.None)]
    [InlineData(LockModes.File, RunnerLock.File)]
    [InlineData(LockModes.Orchestrator, RunnerLock.Orchestrator)]
    [InlineData("sqlite", RunnerLock.Scenario)]
    [InlineData("postgres-advisory", RunnerLock.Scenario)]
    public void A_mode_is_the_runner_s_own_lock_or_else_the_scenario_s(string mode, RunnerLock expected)
    {
        Assert.Equal(expected, LockModes.Of(mode));
    }

    [Fact]
    public void Every_runner_mode_names_a_lock_the_runner_takes_and_each_a_different_one()
    {
        var locks = LockModes.Runner.Select(LockModes.Of).ToList();

        Assert.DoesNotContain(RunnerLock.Scenario, locks);
        Assert.Equal(locks.Count, locks.Distinct().Count());
        Assert.Equal(Enum.GetValues<RunnerLock>().Length - 1, locks.Count);
    }
}
