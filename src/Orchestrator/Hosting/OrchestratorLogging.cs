using ActorRunner.Hosting;
using Serilog;
using Serilog.Events;
using Serilog.Filters;

namespace ActorRunner.Orchestrator.Hosting;

public static class OrchestratorLogging
{
    /// <summary>Marks an event whose gist the user is told in one line on stderr: it goes to the file only.</summary>
    public const string ToldOnStderr = "ToldOnStderr";

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
            .WriteToClefFile(logFile)
            // An error the user is told in one line on stderr keeps its details (the stack) for the file.
            .WriteToConsole(level, shownFrom: level <= LogEventLevel.Debug ? level : LogEventLevel.Warning, hidden: Matching.WithProperty(ToldOnStderr))
            .CreateLogger();
}
