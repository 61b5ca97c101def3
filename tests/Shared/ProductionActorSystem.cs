using ActorRunner.Messages.Serialization;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorRunner.Tests.Shared;

/// <summary>An actor system as both apps build it (through Akka.Hosting, with the serialization setup they share), for the length of a test's body.</summary>
public static class ProductionActorSystem
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static async Task With(string name, Action<ActorSystem> body)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka(name, akka => akka.WithRunnerSerialization());
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Bound);
        try
        {
            body(host.Services.GetRequiredService<ActorSystem>());
        }
        finally
        {
            await host.StopAsync().WaitAsync(Bound);
        }
    }
}
