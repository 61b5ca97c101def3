using ActorRunner.Messages;
using ActorRunner.Messages.Serialization;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorRunner.Messages.Tests.Serialization;

public sealed class WireWarmUpSpecs
{
    [Fact]
    public void The_warm_up_takes_every_message_a_loop_sends()
    {
        var types = WireWarmUp.LoopMessages("node-1", "task-1").Select(m => m.GetType()).ToHashSet();

        Assert.Equal(new HashSet<Type> { typeof(PrepareLoop), typeof(TasksReady), typeof(Release), typeof(TaskReport) }, types);
    }

    [Fact]
    public async Task Each_loop_message_comes_back_from_the_production_wire_as_it_went()
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("wire-warm-up-specs", akka => akka.WithRunnerSerialization());
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();

            var exception = Record.Exception(() => WireWarmUp.RoundTrip(system, WireWarmUp.LoopMessages("node-1", "task-1")));

            Assert.Null(exception);
        }
        finally
        {
            await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public void A_message_that_does_not_come_back_equal_is_named()
    {
        // Akka's default serializer, and a class without value equality: what comes back is another object.
        using var system = ActorSystem.Create("wire-warm-up-plain");

        var refused = Assert.Throws<InvalidOperationException>(() => WireWarmUp.RoundTrip(system, [new NoValueEquality()]));

        Assert.Contains(nameof(NoValueEquality), refused.Message);
    }

    public sealed class NoValueEquality
    {
        public int Value { get; set; } = 1;
    }
}
