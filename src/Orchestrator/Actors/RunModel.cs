using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Actors;

/// <summary>Where this run lives and what it is called, decided before the actor system starts.</summary>
public sealed record RunContext(
    string RunId,
    string Token,
    string RunFolder,
    string DbPath,
    string LockFile,
    string ReportPath,
    string LogsFolder,
    long ProcessStartUs);

/// <summary>A node as the report shows it.</summary>
public sealed record NodeRecord(string Id, int Pid, string Host, int Tasks, double JoinMs, bool Local, int? ExitCode, string? Lost);

/// <summary>One loop's verification and timings.</summary>
public sealed record LoopRecord(int Loop, int Loops, LoopVerification Verification, LoopTimings Timings, double DurationMs, long ReleaseAtUs);

/// <summary>How the run ended.</summary>
public sealed record RunOutcome(
    Verdict Verdict,
    IReadOnlyList<NodeRecord> Nodes,
    IReadOnlyList<LoopRecord> Loops,
    string? AbortReason,
    bool Interrupted,
    double StartupMs);

/// <summary>What a person watching the run is told, as it happens.</summary>
public interface IRunObserver
{
    void RunStarting(RunSettings settings, RunContext run, string address);
    void NodeJoined(string nodeId, double joinMs, int ready, int expected);
    void LoopDone(LoopRecord loop);
    void Aborting(string reason);
}
