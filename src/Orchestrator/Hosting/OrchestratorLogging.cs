using Serilog;
using Serilog.Events;
using Serilog.Filters;
using Serilog.Formatting.Compact;

namespace ActorRunner.Orchestrator.Hosting;

public static class OrchestratorLogging
{
    /// <summary>An event of Akka's own machinery, not of one of our actors (whose paths are under /user/).</summary>
    public static bool IsAkkaInternal(LogEvent e) =>
        Matching.FromSource("Akka")(e)
        && !(e.Properties.TryGetValue("ActorPath", out var path) && path.ToString().Contains("/user/", StringComparison.Ordinal));

    /// <summary>Marks an event whose gist the user is told in one line on stderr: it goes to the file only.</summary>
    public const string ToldOnStderr = "ToldOnStderr";

    public static LogEventLevel Level(string name) => name switch
    {
        "verbose" => LogEventLevel.Verbose,
        "debug" => LogEventLevel.Debug,
        "warning" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        _ => LogEventLevel.Information,
    };

    /// <summary>
    /// Every event to logs/orchestrator.clef (CLEF, one JSON object a line) with RunId, Origin (the process that
    /// wrote it) and Pid, plus Node, Loop and Task in the events about them; the console
    /// shows warnings and above (the verdict lines are the console's), or everything at debug and verbose.
    /// </summary>
    public static Serilog.Core.Logger Create(string runId, string logFile, LogEventLevel level, RunPhase phase) =>
        new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .Enrich.With(phase)
            .Enrich.WithProperty("RunId", runId)
            .Enrich.WithProperty("Origin", "orchestrator")
            .Enrich.WithProperty("Pid", Environment.ProcessId)
            .WriteTo.File(new CompactJsonFormatter(), logFile, buffered: true, flushToDiskInterval: TimeSpan.FromMilliseconds(500))
            .WriteTo.Logger(console => console
                // Akka's own events (peers disassociating as a run winds down, with stack traces) stay in the
                // file unless debugging; our actors' events, which Akka's logging carries too, are shown.
                .Filter.ByExcluding(e => level > LogEventLevel.Debug && IsAkkaInternal(e))
                // An error the user is told in one line on stderr keeps its details (the stack) for the file.
                .Filter.ByExcluding(Matching.WithProperty(ToldOnStderr))
                .WriteTo.Console(
                    restrictedToMinimumLevel: level <= LogEventLevel.Debug ? level : LogEventLevel.Warning,
                    outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} [{Origin}] {Message:lj}{NewLine}{Exception}",
                    standardErrorFromLevel: LogEventLevel.Warning))
            .CreateLogger();
}
