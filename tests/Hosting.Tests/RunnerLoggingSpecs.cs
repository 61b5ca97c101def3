using Serilog;
using Serilog.Events;
using Serilog.Formatting.Display;
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

    private static string Console(LogEventLevel level, Exception? exception)
    {
        var output = new StringWriter();
        var template = level > LogEventLevel.Debug ? RunnerLogging.ConsoleTemplate : RunnerLogging.DebugConsoleTemplate;
        using (var logger = new LoggerConfiguration().Enrich.With<RunnerLogging.ExceptionInBrief>()
                   .WriteTo.Sink(new Rendered(new MessageTemplateTextFormatter(template), output)).CreateLogger())
            logger.Warning(exception, "Task {Task} failed", "task-1");
        return output.ToString();
    }

    private sealed class Rendered(MessageTemplateTextFormatter formatter, TextWriter output) : Serilog.Core.ILogEventSink
    {
        public void Emit(LogEvent logEvent) => formatter.Format(logEvent, output);
    }

    private static Exception Thrown()
    {
        try
        {
            throw new InvalidOperationException("outer", new ArgumentOutOfRangeException("dueTime", "dueTime must be less\nthan 4294967294"));
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Fact]
    public void On_the_console_an_exception_is_its_root_type_and_message_on_the_events_line_without_a_stack_trace()
    {
        var line = Console(LogEventLevel.Information, Thrown());

        Assert.EndsWith("Task task-1 failed (ArgumentOutOfRangeException: dueTime must be less than 4294967294 (Parameter 'dueTime'))" + Environment.NewLine, line);
        Assert.Single(line.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void An_event_without_an_exception_is_its_message_alone_and_at_debug_the_whole_exception_follows()
    {
        Assert.EndsWith("Task task-1 failed" + Environment.NewLine, Console(LogEventLevel.Information, null));
        Assert.Contains("   at ", Console(LogEventLevel.Debug, Thrown()));
    }
}
