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

    /// <summary>What a named option takes: text, a whole number, or nothing (a switch).</summary>
    private enum Takes { Text, Count, Switch }

    /// <summary>Every named option of a run: its name, what it takes, the HOCON key under actor-runner it sets, its help.</summary>
    private static readonly (string Name, Takes Takes, string Key, string Help)[] Table =
    [
        ("--tasks", Takes.Count, "tasks", "Tasks in all (default 100)"),
        ("--nodes", Takes.Count, "nodes", "Local task-node processes (default: one per core, at least 2)"),
        ("--tasks-per-node", Takes.Count, "tasks-per-node", "Tasks one node hosts (default: spread evenly)"),
        ("--remote-nodes", Takes.Count, "remote-nodes", "Nodes expected to join from other machines (default 0)"),
        ("--remote-hosts", Takes.Text, "remote.hosts", "Hosts to start one node on each, e.g. h1,h2 (with --remote-launch)"),
        ("--remote-launch", Takes.Text, "remote.launch", "How to start a node on a host: 'ssh {host} dotnet /opt/actor-runner/ActorRunner.TaskNode.dll {args}'"),
        ("--loops", Takes.Count, "loops", "Loops on the same node processes (default 1; 0: no count limit, with --duration)"),
        ("--duration", Takes.Text, "duration", "Time budget for the loops, e.g. 30s or 2h: no loop starts after it (default 0s: none)"),
        ("--release-delay", Takes.Text, "release-delay", "Pause between the barrier and the release, e.g. 100ms (default 0s)"),
        ("--scenario", Takes.Text, "scenario", "sqlite-counter (default), postgres-row-limit, or \"Namespace.Type, Assembly\" with --scenario-assembly"),
        ("--scenario-assembly", Takes.Text, "scenario-assembly", "The .dll of a scenario of your own"),
        ("--lock", Takes.Text, "lock.mode", "file (default), none, orchestrator, or the scenario's own: sqlite, postgres-advisory"),
        ("--lock-timeout", Takes.Text, "lock.timeout", "How long a task waits for the lock (default 10s)"),
        ("--lock-file", Takes.Text, "lock.file", "The lock file (default: counter.lock in the run folder)"),
        ("--db", Takes.Text, "db", "The SQLite database (default: counter.db in the run folder)"),
        ("--out", Takes.Text, "out", "Where run folders go (default runs)"),
        ("--report", Takes.Text, "report", "Where report.json goes (default: the run folder)"),
        ("--log-level", Takes.Text, "log-level", "verbose, debug, information (default), warning, error"),
        ("--continue-on-failure", Takes.Switch, "continue-on-failure", "Run every loop even after one is not verified"),
        ("--allow-network-fs", Takes.Switch, "allow-network-fs", "Accept a database or lock file on a network file system"),
        ("--hostname", Takes.Text, "remote.hostname", "Address to bind (default 127.0.0.1; anything else needs --token)"),
        ("--port", Takes.Count, "remote.port", "Port to bind (default 0: any free port)"),
        ("--public-hostname", Takes.Text, "remote.public-hostname", "Address other machines reach the orchestrator at"),
        ("--token", Takes.Text, "remote.token", "Shared secret nodes must present"),
        ("--tls-cert", Takes.Text, "remote.tls.cert", "TLS: this orchestrator's certificate (PEM); with --tls-key and --tls-ca"),
        ("--tls-key", Takes.Text, "remote.tls.key", "TLS: the certificate's private key (PEM)"),
        ("--tls-ca", Takes.Text, "remote.tls.ca", "TLS: the CA every node's certificate must chain to (PEM)"),
    ];

    /// <summary>Every named option of a run, each a HOCON key under actor-runner.</summary>
    internal static List<Named> NamedOptions() => Table.Select(row => new Named(OptionOf(row.Name, row.Takes, row.Help), row.Key)).ToList();

    private static Option OptionOf(string name, Takes takes, string help) => takes switch
    {
        Takes.Count => WholeNumber.Option(name, help),
        Takes.Switch => new Option<bool>(name) { Description = help },
        _ => new Option<string>(name) { Description = help },
    };

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
