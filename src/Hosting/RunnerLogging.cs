using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Filters;
using Serilog.Formatting.Compact;

namespace ActorRunner.Hosting;

/// <summary>The logging both processes write: CLEF for machines, a readable console for people.</summary>
public static class RunnerLogging
{
    /// <summary>
    /// A console line: the time, the level, the process that wrote it, the message, and an exception's type and
    /// message on the same line (its stack trace is in the log file).
    /// </summary>
    public const string ConsoleTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3} [{Origin}] {Message:lj}{ExceptionInBrief}{NewLine}";

    /// <summary>At debug and verbose: the whole exception, stack trace included, below the line.</summary>
    public const string DebugConsoleTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3} [{Origin}] {Message:lj}{NewLine}{Exception}";

    /// <summary>A text of several lines (an exception's message, a parser's error) as one console line.</summary>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>How often a CLEF file's buffer is written out.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>An event of Akka's own machinery, not of one of our actors (whose paths are under /user/).</summary>
    public static bool IsAkkaInternal(LogEvent e) =>
        Matching.FromSource("Akka")(e)
        && !(e.Properties.TryGetValue("ActorPath", out var path) && path.ToString().Contains("/user/", StringComparison.Ordinal));

    /// <summary>
    /// The console, from <paramref name="shownFrom"/> up, warnings and above on stderr. Akka's own events (peers
    /// disassociating as a run winds down, with stack traces) stay in the file unless <paramref name="level"/> is
    /// debug or verbose; our actors' events, which Akka's logging carries too, are shown. What
    /// <paramref name="hidden"/> matches stays off the console as well.
    /// </summary>
    public static LoggerConfiguration WriteToConsole(this LoggerConfiguration config, LogEventLevel level, LogEventLevel shownFrom,
        Func<LogEvent, bool> hidden) =>
        config.WriteTo.Logger(console => console
            .Filter.ByExcluding(e => level > LogEventLevel.Debug && IsAkkaInternal(e))
            .Filter.ByExcluding(hidden)
            .Enrich.With<ExceptionInBrief>()
            .WriteTo.Console(restrictedToMinimumLevel: shownFrom, outputTemplate: level > LogEventLevel.Debug ? ConsoleTemplate : DebugConsoleTemplate,
                standardErrorFromLevel: LogEventLevel.Warning));

    /// <summary>An event's exception as " (Type: message)", one line; nothing when it has none.</summary>
    public sealed class ExceptionInBrief : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            if (logEvent.Exception?.GetBaseException() is not { } e) return;
            var message = OneLine(e.Message);
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(nameof(ExceptionInBrief), $" ({e.GetType().Name}: {message})"));
        }
    }

    /// <summary>Every event to a CLEF file (one JSON object a line), buffered and flushed every <see cref="FlushInterval"/>.</summary>
    public static LoggerConfiguration WriteToClefFile(this LoggerConfiguration config, string path) =>
        config.WriteTo.File(new CompactJsonFormatter(), path, buffered: true, flushToDiskInterval: FlushInterval);
}
