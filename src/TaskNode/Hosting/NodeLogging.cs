using ActorRunner.Messages;
using Serilog;
using Serilog.Events;
using Serilog.Filters;
using Serilog.Formatting.Compact;

namespace ActorRunner.TaskNode.Hosting;

public static class NodeLogging
{
    /// <summary>
    /// CLEF file (when given) at the chosen level; the console gets warnings when the node was started by the
    /// orchestrator (it relays them), the node's own events at the chosen level when a person started it.
    /// </summary>
    public static Serilog.Core.Logger Create(NodeCommandLine options, LogEventLevel level, RunIdEnricher runId)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .Enrich.With(runId)
            .Enrich.WithProperty("Origin", options.NodeId)
            .Enrich.WithProperty("Node", options.NodeId)
            .Enrich.WithProperty("Pid", Environment.ProcessId)
            .WriteTo.Logger(console => console
                // Akka's own events (channels closing as a run winds down) stay in the file unless debugging;
                // our actors' events, which Akka's logging carries too (paths under /user/), are shown.
                .Filter.ByExcluding(e => level > LogEventLevel.Debug && Matching.FromSource("Akka")(e)
                    && !(e.Properties.TryGetValue("ActorPath", out var path) && path.ToString().Contains("/user/", StringComparison.Ordinal)))
                // Each task's report (one line a task a loop) is for the file; a person sees the node's own events.
                .Filter.ByExcluding(e => level > LogEventLevel.Debug && e.Level == LogEventLevel.Information && e.Properties.ContainsKey("Task"))
                .WriteTo.Console(
                    restrictedToMinimumLevel: options.WatchStdin ? LogEventLevel.Warning : level,
                    outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} [{Origin}] {Message:lj}{NewLine}{Exception}",
                    standardErrorFromLevel: LogEventLevel.Warning));
        if (options.LogFile == NodeCommandLine.StandardOutput)
            config = config.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: null);
        else if (options.LogFile is not null)
            config = config.WriteTo.File(new CompactJsonFormatter(), options.LogFile, buffered: true,
                flushToDiskInterval: TimeSpan.FromMilliseconds(500));
        return config.CreateLogger();
    }
}
