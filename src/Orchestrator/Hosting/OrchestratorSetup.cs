using ActorRunner.Hosting;
using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Launching;
using ActorRunner.Orchestrator.Verification;
using Akka.Hosting;
using Serilog.Events;

namespace ActorRunner.Orchestrator.Hosting;

public static class OrchestratorSetup
{
    /// <summary>The run's log level (validated when the settings were read).</summary>
    public static LogEventLevel Level(RunSettings settings) => LogLevels.Parse(settings.LogLevel) ?? LogEventLevel.Information;

    /// <summary>Where the orchestrator binds, is reached, and its TLS files.</summary>
    public static RemotingEndpoint Endpoint(RunSettings settings) =>
        new(settings.Hostname, settings.Port, settings.PublicHostname.Length > 0 ? settings.PublicHostname : null,
            settings.Tls ? (settings.TlsCert, settings.TlsKey, settings.TlsCa) : null);

    /// <summary>The orchestrator actor (with its lock actor and node launcher as children; the launcher takes over the <paramref name="early"/> nodes).</summary>
    public static AkkaConfigurationBuilder WithOrchestrator(this AkkaConfigurationBuilder akka, RunSettings settings, RunContext run,
        ScenarioSteps scenario, IRunObserver observer, NodeProgram nodeProgram, TaskCompletionSource<RunOutcome> done, RunPhase phase,
        EarlyNodes? early = null) =>
        akka.WithActors((system, registry) =>
        {
            var orchestrator = system.ActorOf(
                OrchestratorActor.Props(settings, run, scenario, observer, NodeLauncher.Props(nodeProgram, early), done, phase),
                Protocol.OrchestratorActorName);
            registry.Register<OrchestratorActor>(orchestrator);
        });
}
