using System.CommandLine;
using ActorRunner.Orchestrator.Actors;

namespace ActorRunner.Orchestrator.Cli;

/// <summary>What the command line asked for: the HOCON layers it names and its named options as HOCON keys.</summary>
public sealed record RunRequest(string? ConfigFile, IReadOnlyList<string> Assignments, IReadOnlyDictionary<string, (string Option, object Value)> Options);

/// <summary>
/// The orchestrator's command line: the root command runs the test (every named option is a HOCON key under
/// actor-runner); the timeline subcommand prints a finished run's timeline; calibrate measures the narrowest race
/// the setup catches; node runs a task node (dispatched before this parser, see <see cref="NodeSubcommand"/>).
/// </summary>
public static class RunCommand
{
    /// <summary>A named option and the HOCON key under actor-runner that it sets.</summary>
    internal sealed record Named(Option Option, string Key);

    /// <summary>Every named option of a run, each a HOCON key under actor-runner.</summary>
    internal static List<Named> NamedOptions() =>
        [
            new(WholeNumber.Option("--tasks", "Tasks in all (default 100)"), "tasks"),
            new(WholeNumber.Option("--nodes", "Local task-node processes (default: one per core, at least 2)"), "nodes"),
            new(WholeNumber.Option("--tasks-per-node", "Tasks one node hosts (default: spread evenly)"), "tasks-per-node"),
            new(WholeNumber.Option("--remote-nodes", "Nodes expected to join from other machines (default 0)"), "remote-nodes"),
            new(new Option<string>("--remote-hosts") { Description = "Hosts to start one node on each, e.g. h1,h2 (with --remote-launch)" }, "remote.hosts"),
            new(new Option<string>("--remote-launch") { Description = "How to start a node on a host: 'ssh {host} dotnet /opt/actor-runner/ActorRunner.TaskNode.dll {args}'" }, "remote.launch"),
            new(WholeNumber.Option("--loops", "Loops on the same node processes (default 1; 0: no count limit, with --duration)"), "loops"),
            new(new Option<string>("--duration") { Description = "Time budget for the loops, e.g. 30s or 2h: no loop starts after it (default 0s: none)" }, "duration"),
            new(new Option<string>("--release-delay") { Description = "Pause between the barrier and the release, e.g. 100ms (default 0s)" }, "release-delay"),
            new(new Option<string>("--scenario") { Description = "sqlite-counter (default), postgres-row-limit, or \"Namespace.Type, Assembly\" with --scenario-assembly" }, "scenario"),
            new(new Option<string>("--scenario-assembly") { Description = "The .dll of a scenario of your own" }, "scenario-assembly"),
            new(new Option<string>("--lock") { Description = "file (default), none, orchestrator, or the scenario's own: sqlite, postgres-advisory" }, "lock.mode"),
            new(new Option<string>("--lock-timeout") { Description = "How long a task waits for the lock (default 10s)" }, "lock.timeout"),
            new(new Option<string>("--lock-file") { Description = "The lock file (default: counter.lock in the run folder)" }, "lock.file"),
            new(new Option<string>("--db") { Description = "The SQLite database (default: counter.db in the run folder)" }, "db"),
            new(new Option<string>("--out") { Description = "Where run folders go (default runs)" }, "out"),
            new(new Option<string>("--report") { Description = "Where report.json goes (default: the run folder)" }, "report"),
            new(new Option<string>("--log-level") { Description = "verbose, debug, information (default), warning, error" }, "log-level"),
            new(new Option<bool>("--continue-on-failure") { Description = "Run every loop even after one is not verified" }, "continue-on-failure"),
            new(new Option<bool>("--allow-network-fs") { Description = "Accept a database or lock file on a network file system" }, "allow-network-fs"),
            new(new Option<string>("--hostname") { Description = "Address to bind (default 127.0.0.1; anything else needs --token)" }, "remote.hostname"),
            new(WholeNumber.Option("--port", "Port to bind (default 0: any free port)"), "remote.port"),
            new(new Option<string>("--public-hostname") { Description = "Address other machines reach the orchestrator at" }, "remote.public-hostname"),
            new(new Option<string>("--token") { Description = "Shared secret nodes must present" }, "remote.token"),
            new(new Option<string>("--tls-cert") { Description = "TLS: this orchestrator's certificate (PEM); with --tls-key and --tls-ca" }, "remote.tls.cert"),
            new(new Option<string>("--tls-key") { Description = "TLS: the certificate's private key (PEM)" }, "remote.tls.key"),
            new(new Option<string>("--tls-ca") { Description = "TLS: the CA every node's certificate must chain to (PEM)" }, "remote.tls.ca"),
        ];

    /// <summary>--config FILE: a HOCON file of settings.</summary>
    internal static Option<string> ConfigOption() => new("--config") { Description = "A HOCON file with settings (see hocon/actor-runner.conf)" };

    /// <summary>--set KEY=VALUE, repeatable.</summary>
    internal static Option<string[]> SetOption() => new("--set") { Description = "Override one setting: KEY=VALUE (repeatable), e.g. lock.timeout=2s" };

    /// <param name="run">Runs the test the command line asks for.</param>
    /// <param name="calibrate">Runs calibrate's race-window run, shown by its presenter (none: no calibrate subcommand).</param>
    public static RootCommand Create(Func<RunRequest, CancellationToken, Task<int>> run, Func<RunRequest, IRunPresenter, Task<int>>? calibrate = null)
    {
        var named = NamedOptions();
        var config = ConfigOption();
        var set = SetOption();

        var root = new RootCommand("ActorRunner: tests a critical section under truly simultaneous access from many processes")
        {
            config, set,
        };
        foreach (var n in named) root.Options.Add(n.Option);
        root.Subcommands.Add(TimelineCommand.Create());
        root.Subcommands.Add(NodeSubcommand.Create());
        if (calibrate is not null) root.Subcommands.Add(CalibrateCommand.Create(calibrate));

        root.SetAction((parse, cancel) => run(new RunRequest(parse.GetValue(config), parse.GetValue(set) ?? [], Values(parse, named)), cancel));
        return root;
    }

    /// <summary>The named options given on the command line, by key, with the option's name for messages.</summary>
    internal static Dictionary<string, (string Option, object Value)> Values(ParseResult parse, IEnumerable<Named> named)
    {
        var values = new Dictionary<string, (string Option, object Value)>();
        foreach (var n in named)
        {
            if (parse.GetResult(n.Option) is not { Implicit: false }) continue;
            object value = n.Option switch
            {
                Option<int> i => parse.GetValue(i),
                Option<bool> b => parse.GetValue(b),
                Option<string> s => parse.GetValue(s) ?? "",
                _ => throw new InvalidOperationException(n.Key),
            };
            values[n.Key] = (n.Option.Name, value);
        }
        return values;
    }
}
