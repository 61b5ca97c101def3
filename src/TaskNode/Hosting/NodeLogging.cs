using ActorRunner.Hosting;
using ActorRunner.Messages;
using Serilog;
using Serilog.Events;
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
            // Each task's report (one line a task a loop) is for the file; a person sees the node's own events.
            .WriteToConsole(level, shownFrom: options.WatchStdin ? LogEventLevel.Warning : level,
                hidden: e => level > LogEventLevel.Debug && e.Level == LogEventLevel.Information && e.Properties.ContainsKey("Task"));
        if (options.LogFile == NodeCommandLine.StandardOutput)
            config = config.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: null);
        else if (options.LogFile is not null)
            config = config.WriteToClefFile(options.LogFile);
        return config.CreateLogger();
    }
}
