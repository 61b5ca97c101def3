using ActorRunner.Messages;
using ActorRunner.Messages.Serialization;
using Akka.Actor;
using ActorRunner.Tests.Shared;

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
    public Task Each_loop_message_comes_back_from_the_production_wire_as_it_went() =>
        ProductionActorSystem.With("wire-warm-up-specs", system =>
        {
            var exception = Record.Exception(() => WireWarmUp.RoundTrip(system, WireWarmUp.LoopMessages("node-1", "task-1")));

            Assert.Null(exception);
        });

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
