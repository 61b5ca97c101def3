using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Hosting;

namespace ActorRunner.Orchestrator.Tests.Hosting;

public sealed class RunBoundSpecs
{
    private static readonly RunSettings Defaults = SettingsLoader.Load([]).Settings;

    [Fact]
    public void The_largest_loop_count_gives_a_bound_without_overflow()
    {
        var bound = RunBound.Of(Defaults with { Loops = int.MaxValue });

        Assert.True(bound > TimeSpan.FromDays(365 * 1000), bound.ToString());
    }

    [Fact]
    public void A_time_budget_bounds_a_billion_loops_to_the_budget_and_one_loop_more()
    {
        var settings = Defaults with { Loops = 1_000_000_000, Duration = TimeSpan.FromSeconds(30) };
        var perLoop = settings.BarrierTimeout + settings.ReleaseDelay + new Orchestrator.Releasing.ReleaseLead(settings.ReleaseLead).Most + settings.LockTimeout + settings.LoopTimeout + OrchestratorTimings.RunMargin;

        var bound = RunBound.Of(settings);

        Assert.Equal(settings.JoinLimit + settings.Duration + perLoop + settings.ShutdownTimeout + OrchestratorTimings.RunMargin, bound);
    }

    [Fact]
    public void No_count_limit_without_a_budget_is_beyond_any_timespan_and_says_so()
    {
        Assert.Equal(TimeSpan.MaxValue, RunBound.Of(Defaults with { Loops = 0, Duration = TimeSpan.Zero }));
    }

    [Fact]
    public async Task Waiting_within_the_largest_bound_returns_when_the_task_ends()
    {
        var done = Task.Delay(50);

        Assert.True(await RunBound.Within(done, TimeSpan.MaxValue).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Waiting_past_a_short_bound_says_the_task_did_not_end()
    {
        var never = new TaskCompletionSource().Task;

        Assert.False(await RunBound.Within(never, TimeSpan.FromMilliseconds(50)).WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
