using Serilog.Events;
using Serilog.Parsing;

namespace ActorRunner.Hosting.Tests;

public sealed class RunnerLoggingSpecs
{
    private static LogEvent Event(string source, string? actorPath)
    {
        var properties = new List<LogEventProperty> { new("SourceContext", new ScalarValue(source)) };
        if (actorPath is not null) properties.Add(new LogEventProperty("ActorPath", new ScalarValue(actorPath)));
        return new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse("x"), properties);
    }

    [Fact]
    public void Akkas_machinery_is_internal()
    {
        Assert.True(RunnerLogging.IsAkkaInternal(Event("Akka.Remote.EndpointWriter", null)));
        Assert.True(RunnerLogging.IsAkkaInternal(Event("Akka.Remote.EndpointWriter", "akka://actor-runner/system/endpointManager")));
    }

    [Fact]
    public void Our_actors_events_carried_by_Akkas_logging_are_not()
    {
        Assert.False(RunnerLogging.IsAkkaInternal(Event("Akka.Actor.ActorCell", "akka://actor-runner/user/orchestrator")));
        Assert.False(RunnerLogging.IsAkkaInternal(Event("ActorRunner.Scenario", null)));
    }
}
