using ActorRunner.Messages;
using ActorRunner.Messages.Serialization;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;

namespace ActorRunner.Hosting.Tests;

/// <summary>The host and Akka set-up both processes use, started for real on loopback.</summary>
public sealed class RunnerAkkaSpecs
{
    [Fact]
    public async Task A_host_binds_loopback_speaks_the_wire_format_strictly_and_sets_Akkas_gate()
    {
        using var logger = new LoggerConfiguration().CreateLogger();
        using var host = RunnerHost.Build(logger, "actor-runner-spec", (akka, _) =>
            akka.WithRunnerRemoting(LogEventLevel.Warning, new RemotingEndpoint("127.0.0.1", 0, null, null)));
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        try
        {
            var system = (ExtendedActorSystem)host.Services.GetRequiredService<ActorSystem>();
            var address = system.Provider.DefaultAddress;
            Assert.Equal("127.0.0.1", address.Host);
            Assert.True(address.Port > 0);
            Assert.Equal(Akka.Event.LogLevel.WarningLevel, system.EventStream.LogLevel);
            Assert.IsType<RunnerSerializer>(system.Serialization.FindSerializerFor(new Release(1, 2, 3)));
            Assert.IsType<RunnerSerializer>(system.Serialization.FindSerializerFor(Shutdown.Instance));
            // Strict: a type that is not a wire message has no serializer (no fallback that names types).
            var refused = Assert.Throws<System.Runtime.Serialization.SerializationException>(
                () => system.Serialization.FindSerializerFor(new NotAWireMessage("x")));
            Assert.Contains(nameof(NotAWireMessage), refused.Message);
        }
        finally
        {
            Assert.True(await RunnerHost.StopAsync(host, TimeSpan.FromSeconds(30)));
        }
    }

    private sealed record NotAWireMessage(string Text);
}
