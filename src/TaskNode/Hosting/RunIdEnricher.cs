using Serilog.Core;
using Serilog.Events;

namespace ActorRunner.TaskNode.Hosting;

/// <summary>Adds the run id to every event; a node started by hand learns it only when it is accepted.</summary>
public sealed class RunIdEnricher(string runId) : ILogEventEnricher
{
    private volatile string _runId = runId;

    public string RunId
    {
        get => _runId;
        set => _runId = value;
    }

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory factory) =>
        logEvent.AddPropertyIfAbsent(factory.CreateProperty("RunId", _runId));
}
