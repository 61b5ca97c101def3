using System.CommandLine;
using ActorRunner.Hosting;
using ActorRunner.Messages;
using Akka.Actor;
using Line = ActorRunner.Messages.NodeCommandLine.Names;

namespace ActorRunner.TaskNode.Hosting;

/// <summary>The task node's command line: the options <see cref="NodeCommandLine"/> writes, parsed and validated.</summary>
public static class NodeCommand
{
    private static readonly Option<string> Orchestrator = new(Line.Orchestrator)
    {
        Description = "Address of the orchestrator, exactly as it bound: akka.tcp://actor-runner@HOST:PORT",
        Required = true,
    };
    private static readonly Option<string> Token = new(Line.Token) { Description = "The run's token (required when the orchestrator binds beyond loopback)", DefaultValueFactory = _ => "" };
    private static readonly Option<string> NodeId = new(Line.NodeId) { Description = "This node's id (default: <host>-<pid>)" };
    private static readonly Option<string> RunId = new(Line.RunId) { Description = "The run to join (default: whichever run the orchestrator is running)", DefaultValueFactory = _ => "" };
    private static readonly Option<string> Hostname = new(Line.Hostname) { Description = "Address to bind", DefaultValueFactory = _ => "127.0.0.1" };
    private static readonly Option<string> PublicHostname = new(Line.PublicHostname) { Description = "Address the orchestrator reaches this node at (default: --hostname)" };
    private static readonly Option<string> JoinTimeout = new(Line.JoinTimeout) { Description = "How long to keep trying to join", DefaultValueFactory = _ => "30s" };
    private static readonly Option<string> LogFile = new(Line.LogFile) { Description = "Write a CLEF log here (- : to standard output)" };
    private static readonly Option<string> LogLevel = new(Line.LogLevel) { Description = LogLevels.Listed, DefaultValueFactory = _ => "information" };
    private static readonly Option<string> Db = new(Line.Db) { Description = "This machine's path of the run's database (default: the orchestrator's path)" };
    private static readonly Option<string> LockFile = new(Line.LockFile) { Description = "This machine's path of the run's lock file (default: the orchestrator's path)" };
    private static readonly Option<string> ScenarioAssembly = new(Line.ScenarioAssembly) { Description = "This machine's path of the run's scenario assembly, for a scenario of your own (default: the orchestrator's path)" };
    private static readonly Option<string> TlsCert = new(Line.TlsCert) { Description = "TLS: this node's certificate (PEM); with --tls-key and --tls-ca" };
    private static readonly Option<string> TlsKey = new(Line.TlsKey) { Description = "TLS: the certificate's private key (PEM)" };
    private static readonly Option<string> TlsCa = new(Line.TlsCa) { Description = "TLS: the CA the orchestrator's certificate must chain to (PEM)" };
    private static readonly Option<bool> WatchStdin = new(Line.WatchStdin) { Description = "Exit when standard input closes (set by the orchestrator for the nodes it starts)", Hidden = true };
    private static readonly Option<bool> AwaitGo = new(Line.AwaitGo) { Description = "Start at once, join only when the line 'go' arrives on standard input (with --watch-stdin; set by the orchestrator for the nodes it starts on its machine)", Hidden = true };

    public static RootCommand Create(Func<NodeCommandLine, CancellationToken, Task<int>> run)
    {
        var root = new RootCommand("ActorRunner task node: joins an orchestrator and runs its tasks")
        {
            Orchestrator, Token, NodeId, RunId, Hostname, PublicHostname, JoinTimeout, LogFile, LogLevel, WatchStdin, AwaitGo, Db, LockFile, ScenarioAssembly, TlsCert, TlsKey, TlsCa,
        };
        root.SetAction((parse, cancel) => run(Bind(parse), cancel));
        return root;
    }

    private static (string, string, string)? BindTls(ParseResult parse)
    {
        var (cert, key, ca) = (parse.GetValue(TlsCert), parse.GetValue(TlsKey), parse.GetValue(TlsCa));
        if (cert is null && key is null && ca is null) return null;
        if (cert is null || key is null || ca is null)
            throw new NodeUsageError("--tls-cert, --tls-key and --tls-ca go together");
        foreach (var (option, path) in new[] { ("--tls-cert", cert), ("--tls-key", key), ("--tls-ca", ca) })
            if (!File.Exists(path)) throw new NodeUsageError($"{option}: no such file {Path.GetFullPath(path)}");
        return (Path.GetFullPath(cert), Path.GetFullPath(key), Path.GetFullPath(ca));
    }

    /// <summary>Validates what the parser cannot (address form, duration); throws <see cref="NodeUsageError"/> naming the option.</summary>
    private static NodeCommandLine Bind(ParseResult parse)
    {
        var text = parse.GetValue(Orchestrator)!;
        Address address;
        try
        {
            address = Address.Parse(text);
        }
        catch (Exception)
        {
            throw new NodeUsageError($"--orchestrator: '{text}' is not an address like akka.tcp://actor-runner@127.0.0.1:4053");
        }
        if (address.Host is null || address.Port is null or 0)
            throw new NodeUsageError($"--orchestrator: '{text}' needs a host and a port");
        var joinText = parse.GetValue(JoinTimeout)!;
        var join = Durations.Parse(joinText) ?? throw new NodeUsageError($"--join-timeout: '{joinText}' is not a duration like 30s");
        if (join > Durations.LongestWait)
            throw new NodeUsageError($"--join-timeout: '{joinText}' is too long: at most {Durations.LongestWait.TotalDays:0} days");
        var hostname = parse.GetValue(Hostname)!;
        var watchStdin = parse.GetValue(WatchStdin);
        if (parse.GetValue(AwaitGo) && !watchStdin)
            throw new NodeUsageError("--await-go goes with --watch-stdin: the line 'go' comes on standard input");
        return new NodeCommandLine(address.ToString(), parse.GetValue(Token) ?? "",
            parse.GetValue(RunId) ?? "", parse.GetValue(NodeId) ?? $"{System.Net.Dns.GetHostName()}-{Environment.ProcessId}",
            hostname, parse.GetValue(PublicHostname), join, parse.GetValue(LogFile), parse.GetValue(LogLevel)!, watchStdin,
            parse.GetValue(ScenarioAssembly) is { } assembly ? Path.GetFullPath(assembly) : null,
            BindTls(parse),
            parse.GetValue(Db) is { } db ? Path.GetFullPath(db) : null,
            parse.GetValue(LockFile) is { } lockFile ? Path.GetFullPath(lockFile) : null,
            parse.GetValue(AwaitGo));
    }
}

/// <summary>Durations written as HOCON writes them: 500ms, 10s, 2m.</summary>
public static class Durations
{
    /// <summary>The longest wait a setting may ask for: 24 days (.NET's and Akka's timers take up to 24.8).</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromDays(24);

    public static TimeSpan? Parse(string text)
    {
        try
        {
            var value = Akka.Configuration.ConfigurationFactory.ParseString($"d = {text}").GetTimeSpan("d", null, allowInfinite: false);
            return value > TimeSpan.Zero ? value : null;
        }
        catch (Exception)
        {
            return null;
        }
    }
}

/// <summary>A bad value on the node's command line: one line, exit code 2 (nothing else the node throws is one).</summary>
public sealed class NodeUsageError(string message) : Exception(message);
