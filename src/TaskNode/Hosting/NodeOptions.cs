using Akka.Actor;

namespace ActorRunner.TaskNode.Hosting;

/// <summary>Everything a task node is told on its command line, validated.</summary>
public sealed record NodeOptions(
    Address Orchestrator,
    string Token,
    string NodeId,
    string RunId,
    string Hostname,
    string? PublicHostname,
    TimeSpan JoinTimeout,
    string? LogFile,
    string LogLevel,
    bool WatchStdin,
    string? Db = null,
    string? LockFile = null,
    (string Cert, string Key, string Ca)? Tls = null,
    string? ScenarioAssembly = null);
