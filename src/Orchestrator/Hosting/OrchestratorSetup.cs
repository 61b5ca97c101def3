using ActorRunner.Messages;
using ActorRunner.Messages.Security;
using ActorRunner.Messages.Serialization;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Launching;
using ActorRunner.Orchestrator.Verification;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace ActorRunner.Orchestrator.Hosting;

public static class OrchestratorSetup
{
    /// <summary>Akka's log level from ours.</summary>
    public static Akka.Event.LogLevel AkkaLevel(string level) => level switch
    {
        "verbose" or "debug" => Akka.Event.LogLevel.DebugLevel,
        "warning" => Akka.Event.LogLevel.WarningLevel,
        "error" => Akka.Event.LogLevel.ErrorLevel,
        _ => Akka.Event.LogLevel.InfoLevel,
    };

    /// <summary>Akka settings shared with the nodes, the user's own akka section, remoting and the wire format.</summary>
    public static AkkaConfigurationBuilder WithRunnerRemoting(this AkkaConfigurationBuilder akka, RunSettings settings, Config userAkka)
    {
        akka.ConfigureLoggers(setup =>
            {
                setup.LogLevel = AkkaLevel(settings.LogLevel);
                setup.ClearLoggers();
                setup.AddLoggerFactory();
            })
            .AddHoconFile(Path.Combine(AppContext.BaseDirectory, "hocon", "akka.conf"), HoconAddMode.Prepend);
        if (!userAkka.IsEmpty) akka.AddHocon(userAkka, HoconAddMode.Prepend);
        return akka
            .WithRemoting(new RemoteOptions
            {
                HostName = settings.Hostname,
                Port = settings.Port,
                PublicHostName = settings.PublicHostname.Length > 0 ? settings.PublicHostname : null,
                EnableSsl = settings.Tls,
                Ssl = settings.Tls ? RunnerTls.Options(settings.TlsCert, settings.TlsKey, settings.TlsCa) : null!,
            })
            .WithRunnerSerialization();
    }

    /// <summary>The orchestrator actor (with its lock actor and node launcher as children).</summary>
    public static AkkaConfigurationBuilder WithOrchestrator(this AkkaConfigurationBuilder akka, RunSettings settings, RunContext run,
        ScenarioSteps scenario, IRunObserver observer, NodeProgram nodeProgram, TaskCompletionSource<RunOutcome> done, RunPhase phase) =>
        akka.WithActors((system, registry) =>
        {
            var orchestrator = system.ActorOf(
                OrchestratorActor.Props(settings, run, scenario, observer, NodeLauncher.Props(nodeProgram), done, phase),
                Protocol.OrchestratorActorName);
            registry.Register<OrchestratorActor>(orchestrator);
        });
}
