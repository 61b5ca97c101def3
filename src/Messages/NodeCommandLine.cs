namespace ActorRunner.Messages;

/// <summary>
/// The task node's command line, defined once: the orchestrator writes it for the nodes it starts (on this machine,
/// or on another through the launch template's {args}), and the node's parser reads it back into this record
/// (paths made full, <paramref name="Orchestrator"/> checked as an address). <paramref name="Db"/> and
/// <paramref name="LockFile"/> are the shared files' paths on the node's machine, given by a person starting a node.
/// <paramref name="AwaitGo"/>: the node starts its actor system at once but joins only when the line
/// <see cref="GoLine"/> arrives on its standard input (the orchestrator starts its local nodes before it listens).
/// </summary>
public sealed record NodeCommandLine(
    string Orchestrator,
    string Token,
    string RunId,
    string NodeId,
    string Hostname,
    string? PublicHostname,
    TimeSpan JoinTimeout,
    string? LogFile,
    string LogLevel,
    bool WatchStdin,
    string? ScenarioAssembly = null,
    (string Cert, string Key, string Ca)? Tls = null,
    string? Db = null,
    string? LockFile = null,
    bool AwaitGo = false)
{
    /// <summary>The option names, as the node's parser declares them.</summary>
    public static class Names
    {
        public const string Orchestrator = "--orchestrator";
        public const string Token = "--token";
        public const string NodeId = "--node-id";
        public const string RunId = "--run-id";
        public const string Hostname = "--hostname";
        public const string PublicHostname = "--public-hostname";
        public const string JoinTimeout = "--join-timeout";
        public const string LogFile = "--log-file";
        public const string LogLevel = "--log-level";
        public const string WatchStdin = "--watch-stdin";
        public const string AwaitGo = "--await-go";
        public const string Db = "--db";
        public const string LockFile = "--lock-file";
        public const string ScenarioAssembly = "--scenario-assembly";
        public const string TlsCert = "--tls-cert";
        public const string TlsKey = "--tls-key";
        public const string TlsCa = "--tls-ca";
    }

    /// <summary>The value of <see cref="Names.LogFile"/> that writes the node's CLEF log to its standard output.</summary>
    public const string StandardOutput = "-";

    /// <summary>The line on a node's standard input that lets a node started with <see cref="Names.AwaitGo"/> join.</summary>
    public const string GoLine = "go";

    public IReadOnlyList<string> ToArguments() =>
    [
        Names.Orchestrator, Orchestrator,
        Names.Token, Token,
        Names.RunId, RunId,
        Names.NodeId, NodeId,
        Names.Hostname, Hostname,
        .. (PublicHostname is null ? Array.Empty<string>() : [Names.PublicHostname, PublicHostname]),
        Names.JoinTimeout, $"{(long)JoinTimeout.TotalMilliseconds}ms",
        .. (LogFile is null ? Array.Empty<string>() : [Names.LogFile, LogFile]),
        Names.LogLevel, LogLevel,
        .. (WatchStdin ? [Names.WatchStdin] : Array.Empty<string>()),
        .. (AwaitGo ? [Names.AwaitGo] : Array.Empty<string>()),
        .. (ScenarioAssembly is null ? Array.Empty<string>() : [Names.ScenarioAssembly, ScenarioAssembly]),
        .. (Tls is { } tls ? [Names.TlsCert, tls.Cert, Names.TlsKey, tls.Key, Names.TlsCa, tls.Ca] : Array.Empty<string>()),
        .. (Db is null ? Array.Empty<string>() : [Names.Db, Db]),
        .. (LockFile is null ? Array.Empty<string>() : [Names.LockFile, LockFile]),
    ];
}
