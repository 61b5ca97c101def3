using Serilog;
using Serilog.Events;
using Serilog.Filters;
using Serilog.Formatting.Compact;

namespace ActorRunner.Orchestrator.Hosting;

public static class OrchestratorLogging
{
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
                // Akka's own transport warnings (peers disassociating as a run winds down) stay in the file
                // unless debugging.
                .Filter.ByExcluding(e => level > LogEventLevel.Debug && e.Level < LogEventLevel.Error && Matching.FromSource("Akka")(e))
                .WriteTo.Console(
                    restrictedToMinimumLevel: level <= LogEventLevel.Debug ? level : LogEventLevel.Warning,
                    outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} [{Origin}] {Message:lj}{NewLine}{Exception}",
                    standardErrorFromLevel: LogEventLevel.Warning))
            .CreateLogger();
}
