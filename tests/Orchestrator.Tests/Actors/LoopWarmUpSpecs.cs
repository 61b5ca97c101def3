using ActorRunner.Messages.Serialization;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Verification;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("loop-warm-up-specs", akka => akka.WithRunnerSerialization());
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            var record = LoopWarmUp.Run(host.Services.GetRequiredService<ActorSystem>(), settings, run);

            Assert.Equal(Verdict.Verified, record.Verification.Verdict);
            Assert.Equal(2, record.Reports.Count);
            Assert.Equal(3, record.Loops);
            Assert.False(Directory.Exists(folder));
        }
        finally
        {
            await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
