using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Tests.Shared;

namespace ActorRunner.Orchestrator.Tests.Actors;

public sealed class LoopWarmUpSpecs
{
    [Fact]
    public async Task The_loop_path_runs_once_on_made_up_figures_and_touches_nothing_of_the_run()
    {
        var folder = Path.Combine(Path.GetTempPath(), "actor-runner-warm-up-" + Guid.NewGuid().ToString("N"));
        var settings = SettingsLoader.Load([]).Settings with { Tasks = 2, Loops = 3 };
        var run = new RunContext("run-warm-up", "", folder, Path.Combine(folder, "counter.db"), Path.Combine(folder, "counter.lock"),
            Path.Combine(folder, "report.json"), Path.Combine(folder, "logs"), 0);
        await ProductionActorSystem.With("loop-warm-up-specs", system =>
        {
            var record = LoopWarmUp.Run(system, settings, run);

            Assert.Equal(Verdict.Verified, record.Verification.Verdict);
            Assert.Equal(2, record.Reports.Count);
            Assert.Equal(3, record.Loops);
            Assert.False(Directory.Exists(folder));
        });
    }
}
