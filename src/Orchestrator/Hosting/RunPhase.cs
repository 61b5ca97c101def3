using Serilog.Core;
using Serilog.Events;

namespace ActorRunner.Orchestrator.Hosting;

/// <summary>
/// Where the run is (the orchestrator's state and loop), added to every event the orchestrator logs, Akka's own
/// included, as Phase and Loop.
/// </summary>
public sealed class RunPhase : ILogEventEnricher
{
    public const string Starting = "starting";
    public const string Joining = "joining";
    public const string Barrier = "barrier";
    public const string Collecting = "collecting";
    public const string Verifying = "verifying";
    public const string ShuttingDown = "shutting-down";

    private volatile string _phase = Starting;
    private volatile int _loop;

    public string Phase => _phase;

    public void Enter(string phase, int loop)
    {
        _loop = loop;
        _phase = phase;
    }

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory factory)
    {
        logEvent.AddPropertyIfAbsent(factory.CreateProperty("Phase", _phase));
        if (_loop > 0) logEvent.AddPropertyIfAbsent(factory.CreateProperty("Loop", _loop));
    }
}
