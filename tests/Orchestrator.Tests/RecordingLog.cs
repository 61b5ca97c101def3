using Akka.Event;

namespace ActorRunner.Orchestrator.Tests;

/// <summary>An Akka log that keeps every event, at every level: its level, its template and its arguments.</summary>
public sealed class RecordingLog() : LoggingAdapterBase(DefaultLogMessageFormatter.Instance)
{
    public sealed record Event(LogLevel Level, string Template, IReadOnlyList<object?> Args);

    private readonly List<Event> _events = new();

    public IReadOnlyList<Event> Events => _events;

    public override bool IsDebugEnabled => true;
    public override bool IsInfoEnabled => true;
    public override bool IsWarningEnabled => true;
    public override bool IsErrorEnabled => true;

    protected override void NotifyLog(LogLevel logLevel, object message, Exception? cause) =>
        _events.Add(message is LogMessage m
            ? new Event(logLevel, m.Format, m.Parameters().ToList())
            : new Event(logLevel, message.ToString() ?? "", []));

    /// <summary>The one event logged with <paramref name="template"/>.</summary>
    public Event Single(string template) => Assert.Single(_events, e => e.Template == template);
}
