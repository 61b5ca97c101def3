using Serilog;
using Serilog.Events;
using Serilog.Filters;
using Serilog.Formatting.Compact;

namespace ActorRunner.Hosting;

/// <summary>The logging both processes write: CLEF for machines, a readable console for people.</summary>
public static class RunnerLogging
{
    /// <summary>A console line: the time, the level, the process that wrote it, the message.</summary>
    public const string ConsoleTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3} [{Origin}] {Message:lj}{NewLine}{Exception}";

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
            .WriteTo.Console(restrictedToMinimumLevel: shownFrom, outputTemplate: ConsoleTemplate, standardErrorFromLevel: LogEventLevel.Warning));

    /// <summary>Every event to a CLEF file (one JSON object a line), buffered and flushed every <see cref="FlushInterval"/>.</summary>
    public static LoggerConfiguration WriteToClefFile(this LoggerConfiguration config, string path) =>
        config.WriteTo.File(new CompactJsonFormatter(), path, buffered: true, flushToDiskInterval: FlushInterval);
}
