using System.Reflection;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using ActorRunner.Hosting;
using ActorRunner.Messages;
using ActorRunner.Scenarios;
using ActorRunner.TaskNode.Capacity;
using ActorRunner.TaskNode.Tasks;

namespace ActorRunner.Orchestrator.Configuration;

/// <summary>
/// Builds <see cref="RunSettings"/> from HOCON layers: built-in defaults &lt; --config file &lt; --set pairs &lt;
/// named options. Each layer is checked on its own, so an error names the file or option it came from.
/// </summary>
public static class SettingsLoader
{
    public const string Root = "actor-runner";

    /// <summary>The longest wait a setting may ask for (the node's bound, one for both).</summary>
    public static readonly TimeSpan LongestWait = ActorRunner.TaskNode.Hosting.Durations.LongestWait;

    private static readonly Lazy<Config> DefaultsConfig = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("actor-runner.conf")
                           ?? throw new InvalidOperationException("the built-in defaults (actor-runner.conf) are missing");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    private static readonly Lazy<HashSet<string>> KnownKeys = new(() => Leaves(DefaultsConfig.Value).ToHashSet());

    public static Config Defaults => DefaultsConfig.Value;

    /// <summary>One layer of configuration and where it came from, for messages.</summary>
    public sealed record Layer(string Source, Config Config);

    /// <summary>Parses a HOCON file; a syntax error is reported with the file's path.</summary>
    public static Layer FromFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new SettingsError($"--config: no such file {full}");
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsError($"--config: cannot read {full}: {e.Message}");
        }
        return new Layer(full, Parse(text, full));
    }

    /// <summary>Parses one --set KEY=VALUE; a key without the actor-runner. prefix gets it.</summary>
    public static Layer FromAssignment(string assignment)
    {
        var equals = assignment.IndexOf('=');
        if (equals <= 0) throw new SettingsError($"--set: '{assignment}' is not KEY=VALUE");
        var key = assignment[..equals].Trim();
        var value = assignment[(equals + 1)..].Trim();
        if (!key.StartsWith(Root + ".", StringComparison.Ordinal) && !key.StartsWith("akka.", StringComparison.Ordinal))
            key = Root + "." + key;
        return new Layer($"--set {assignment}", Parse($"{key} = {value}", $"--set {assignment}"));
    }

    /// <summary>One layer per named option (already typed), so an error names the option.</summary>
    public static IEnumerable<Layer> FromOptions(IReadOnlyDictionary<string, (string Option, object Value)> values) =>
        values.Select(kv => new Layer(kv.Value.Option, Parse($"{Root}.{kv.Key} = {Hocon(kv.Value.Value)}", kv.Value.Option)));

    /// <summary>
    /// Merges the layers over the defaults (the scenario's own defaults below them all), checks every key and
    /// value, and returns the settings with the scenario they name, loaded and validated. The local nodes' layout is
    /// planned against <paramref name="machine"/>'s limits (default: this machine's, read now).
    /// </summary>
    public static (RunSettings Settings, Config Akka, Scenario Scenario) Load(IReadOnlyList<Layer> layers, MachineLimits? machine = null)
    {
        var merged = Defaults;
        foreach (var layer in layers) merged = layer.Config.WithFallback(merged);
        var reader = new Reader(merged, layers);
        var (scenario, name, assembly) = LoadScenario(reader);
        var sections = ScenarioCatalog.BuiltInScenarios.Select(b => b.Scenario).Append(scenario).Where(s => s.SettingsSection is not null).ToList();
        var known = KnownKeys.Value.ToHashSet();
        foreach (var s in sections)
        foreach (var key in s.DefaultSettings.Keys)
            known.Add($"{Root}.{s.SettingsSection}.{key}");
        foreach (var layer in layers) CheckKeys(layer, known);

        var settings = Validate(reader, (scenario, name, assembly), SectionValues(merged, scenario), machine ?? MachineLimits.Read());
        try
        {
            scenario.Validate(ScenarioRunOf(settings, "", ""));
        }
        catch (ScenarioSettingsException e)
        {
            // Say which layer set the refused key, as for the runner's own keys.
            var layer = e.Key is { } key && key.StartsWith(Root + ".", StringComparison.Ordinal) ? layers.LastOrDefault(l => l.Config.HasPath(key)) : null;
            throw new SettingsError(layer is null ? e.Message : $"{e.Key} (from {layer.Source}): {e.Problem}");
        }
        var akka = layers.Where(l => l.Config.HasPath("akka")).Aggregate(Config.Empty, (acc, l) => l.Config.WithFallback(acc));
        return (settings, akka, scenario);
    }

    /// <summary>A key below actor-runner by its full name and the layer that set it last ("actor-runner.db (from --db)"); the bare name when only the defaults set it.</summary>
    public static string NameOf(string key, IReadOnlyList<Layer> layers)
    {
        var full = $"{Root}.{key}";
        var layer = layers.LastOrDefault(l => l.Config.HasPath(full));
        return layer is null ? full : $"{full} (from {layer.Source})";
    }

    /// <summary>An error about one key (<see cref="SettingsError.About"/>) said again naming the layer that set the key; any other error as it is.</summary>
    public static SettingsError InLayers(SettingsError error, IReadOnlyList<Layer> layers) =>
        error.Key is { } key ? new SettingsError($"{NameOf(key, layers)}: {error.Problem}") : error;

    /// <summary>What the scenario sees of the run: what a node sees, from the terms it is sent, with the orchestrator's paths.</summary>
    public static ScenarioRun ScenarioRunOf(RunSettings settings, string runId, string dbPath) =>
        ScenarioTerms.RunOf(settings.NodeTerms(runId, lockFile: "", dbPath));

    private static (Scenario Scenario, string Name, string Assembly) LoadScenario(Reader r)
    {
        var name = r.String("scenario").Trim();
        var assembly = r.String("scenario-assembly").Trim();
        try
        {
            var scenario = ScenarioCatalog.Create(name, assembly);
            if (scenario.SettingsSection is { } section && !ScenarioCatalog.IsBuiltIn(name))
            {
                var taken = KnownKeys.Value.Any(k => k == $"{Root}.{section}" || k.StartsWith($"{Root}.{section}.", StringComparison.Ordinal))
                            || ScenarioCatalog.BuiltInScenarios.Any(b => b.Scenario.SettingsSection == section);
                if (taken || section.Length == 0 || section.Contains('.'))
                    throw new ScenarioLoadException($"'{name}': its settings section '{section}' must be one plain name that no setting of the runner uses");
            }
            return (scenario, name, assembly.Length > 0 ? Path.GetFullPath(assembly) : "");
        }
        catch (ScenarioLoadException e)
        {
            throw new SettingsError($"{r.NameOf("scenario")}: {e.Message}");
        }
    }

    /// <summary>The runner's lock modes, or one the scenario applies itself.</summary>
    private static string CheckLockMode(string mode, string scenarioName, Scenario scenario, Reader r)
    {
        mode = mode.ToLowerInvariant();
        if (LockModes.Runner.Contains(mode) || scenario.OwnLockModes.Contains(mode)) return mode;
        var modes = string.Join(", ", LockModes.Runner.Concat(scenario.OwnLockModes));
        var owner = ScenarioCatalog.BuiltInScenarios.FirstOrDefault(b => b.Scenario.OwnLockModes.Contains(mode)).Name;
        var whose = owner is null ? "" : $" ('{mode}' is applied by the scenario {owner})";
        throw new SettingsError($"{r.NameOf("lock.mode")}: '{mode}' is not one of {modes}, the modes of scenario {scenarioName}{whose}");
    }

    /// <summary>Every key of the scenario's section: its defaults, overridden by the layers.</summary>
    private static IReadOnlyDictionary<string, string> SectionValues(Config merged, Scenario scenario)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (scenario.SettingsSection is not { } section) return values;
        foreach (var (key, value) in scenario.DefaultSettings)
        {
            var path = $"{Root}.{section}.{key}";
            var given = merged.HasPath(path) ? merged.GetValue(path) : null;
            if (given is not null && (given.IsObject() || given.IsArray()))
                throw new SettingsError($"{path}: must be a single value");
            values[key] = given?.GetString() ?? value;
        }
        return values;
    }

    private static RunSettings Validate(Reader r, (Scenario Scenario, string Name, string Assembly) scenario, IReadOnlyDictionary<string, string> scenarioSettings,
        MachineLimits machine)
    {
        var tasks = r.Count("tasks", min: 1);
        var (remoteHosts, remoteLaunch) = RemoteHosts(r);
        var remoteNodes = RemoteNodes(r, scenario, remoteHosts.Count);
        var (layout, lockMode) = PlanNodes(r, tasks, remoteNodes, scenario, machine);
        var (hostname, token) = Binding(r);
        var logLevel = ReadLogLevel(r);
        var tls = ReadTls(r);
        var (loops, duration) = ReadBudget(r);
        var port = r.Count("remote.port", min: 0);
        if (port > 65535) throw new SettingsError($"{r.NameOf("remote.port")}: {port} is not a port");

        return new RunSettings
        {
            Tasks = tasks,
            Nodes = layout.Nodes,
            TasksPerNode = layout.TasksPerNode,
            LayoutNote = layout.Note,
            RemoteNodes = remoteNodes,
            Loops = loops,
            Duration = duration,
            ContinueOnFailure = r.Bool("continue-on-failure"),
            ReleaseDelay = r.Duration("release-delay", allowZero: true),
            ReleaseLead = r.IsAuto("release-lead") ? null : r.Duration("release-lead", allowZero: true),
            ReleaseWait = r.Choice<Releasing.ReleaseWaitChoice>("release.wait"),
            KeepCpusAwake = r.Bool("release.keep-cpus-awake"),
            LockMode = lockMode,
            Scenario = scenario.Name,
            ScenarioAssembly = scenario.Assembly,
            ScenarioSection = scenario.Scenario.SettingsSection is { } section ? $"{Root}.{section}" : Root,
            ScenarioSettings = scenarioSettings,
            LockTimeout = r.Duration("lock.timeout"),
            LockHold = r.Duration("lock.hold", allowZero: true),
            LockFile = r.String("lock.file"),
            Db = r.String("db"),
            Out = r.String("out") is { Length: > 0 } o ? o : throw new SettingsError($"{r.NameOf("out")}: must not be empty"),
            Report = r.String("report"),
            AllowNetworkFs = r.Bool("allow-network-fs"),
            LogLevel = logLevel,
            JoinTimeout = r.Duration("join-timeout"),
            BarrierTimeout = r.Duration("barrier-timeout"),
            LoopTimeout = r.Duration("loop-timeout"),
            ShutdownTimeout = r.Duration("shutdown-timeout"),
            Hostname = hostname,
            Port = port,
            Token = token,
            TlsCert = tls.Cert,
            TlsKey = tls.Key,
            TlsCa = tls.Ca,
            PublicHostname = r.String("remote.public-hostname"),
            RemoteHosts = remoteHosts,
            RemoteLaunch = remoteLaunch,
        };
    }

    /// <summary>Nodes expected from other machines: those asked for, and one a remote host; refused for a scenario that runs on one machine.</summary>
    private static int RemoteNodes(Reader r, (Scenario Scenario, string Name, string Assembly) scenario, int remoteHosts)
    {
        var remoteNodes = r.Count("remote-nodes", min: 0) + remoteHosts;
        if (remoteNodes > 0 && scenario.Scenario.OnlyOnOneMachine is { } oneMachine)
            throw new SettingsError($"{r.NameOf(remoteHosts > 0 ? "remote.hosts" : "remote-nodes")}: scenario {scenario.Name} runs on one machine only: {oneMachine}");
        return remoteNodes;
    }

    /// <summary>
    /// The local nodes and their tasks (asked for, or planned), against what this machine allows for a task of the
    /// lock mode's cost; an error about the count names the layer that set it.
    /// </summary>
    private static (NodeLayout Layout, string LockMode) PlanNodes(Reader r, int tasks, int remoteNodes,
        (Scenario Scenario, string Name, string Assembly) scenario, MachineLimits machine)
    {
        int? nodesAsked = r.IsAuto("nodes") ? null : r.Count("nodes", min: 0);
        int? perNodeAsked = r.IsAuto("tasks-per-node") ? null : r.Count("tasks-per-node", min: 1);
        var lockMode = CheckLockMode(r.String("lock.mode"), scenario.Name, scenario.Scenario, r);
        var taskCost = TaskCost.For(fileLock: LockModes.Of(lockMode) == RunnerLock.File, scenario.Scenario.ResourcesPerTask);
        try
        {
            return (NodeLayout.Plan(new LayoutRequest(tasks, nodesAsked, perNodeAsked, remoteNodes, Environment.ProcessorCount),
                NodeCapacity.ForPlannedNodes(machine, taskCost)), lockMode);
        }
        catch (SettingsError e) when (e.Key is { } key)
        {
            throw new SettingsError($"{r.NameOf(key)}: {e.Problem}");
        }
    }

    /// <summary>The address to bind and the token: an address beyond loopback needs one.</summary>
    private static (string Hostname, string Token) Binding(Reader r)
    {
        var hostname = r.String("remote.hostname");
        var token = r.String("remote.token");
        if (hostname.Length == 0) throw new SettingsError($"{r.NameOf("remote.hostname")}: must not be empty");
        if (!IsLoopback(hostname) && token.Length == 0)
            throw new SettingsError($"{r.NameOf("remote.token")}: binding {hostname} (beyond loopback) needs a token (--token)");
        return (hostname, token);
    }

    /// <summary>The log level by its documented name (<see cref="LogLevels"/>), as the nodes are told it.</summary>
    private static string ReadLogLevel(Reader r)
    {
        var text = r.String("log-level");
        return LogLevels.Parse(text) is { } level ? LogLevels.Name(level)
            : throw new SettingsError($"{r.NameOf("log-level")}: '{text.ToLowerInvariant()}' is not one of {LogLevels.Listed}");
    }

    /// <summary>The TLS files (full paths): all three or none, each one there and loadable.</summary>
    private static (string Cert, string Key, string Ca) ReadTls(Reader r)
    {
        var tls = new[] { "remote.tls.cert", "remote.tls.key", "remote.tls.ca" }.Select(k => (Key: k, Path: r.String(k))).ToList();
        if (tls.All(t => t.Path.Length == 0)) return ("", "", "");
        var missing = tls.FirstOrDefault(t => t.Path.Length == 0);
        if (missing.Key is not null)
            throw new SettingsError($"{r.NameOf(missing.Key)}: TLS needs the certificate, the key and the CA (--tls-cert, --tls-key, --tls-ca)");
        var absent = tls.FirstOrDefault(t => !File.Exists(t.Path));
        if (absent.Key is not null) throw new SettingsError($"{r.NameOf(absent.Key)}: no such file {Path.GetFullPath(absent.Path)}");
        try
        {
            Messages.Security.RunnerTls.Options(tls[0].Path, tls[1].Path, tls[2].Path);
        }
        catch (ArgumentException e)
        {
            throw new SettingsError($"{r.NameOf("remote.tls")}: {e.Message}");
        }
        return (Path.GetFullPath(tls[0].Path), Path.GetFullPath(tls[1].Path), Path.GetFullPath(tls[2].Path));
    }

    /// <summary>The loop count and the time budget: at least one of them bounds the run.</summary>
    private static (int Loops, TimeSpan Duration) ReadBudget(Reader r)
    {
        var loops = r.Count("loops", min: 0);
        var duration = r.Duration("duration", allowZero: true, unbounded: true);
        if (loops == 0 && duration == TimeSpan.Zero)
            throw new SettingsError($"{r.NameOf("loops")}: 0 (no count limit) needs a time budget: give --duration (e.g. --duration 10m)");
        return (loops, duration);
    }

    /// <summary>The hosts the orchestrator starts a node on, and the launch template (checked even without hosts).</summary>
    private static (IReadOnlyList<string> Hosts, string Launch) RemoteHosts(Reader r)
    {
        var hosts = r.String("remote.hosts").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var launch = r.String("remote.launch").Trim();
        if (hosts.Length > 0 && launch.Length == 0)
            throw new SettingsError($"{r.NameOf("remote.launch")}: remote hosts need a launch template (--remote-launch), e.g. 'ssh {{host}} dotnet /opt/actor-runner/ActorRunner.TaskNode.dll {{args}}'");
        if (launch.Length > 0)
        {
            try
            {
                Launching.LaunchTemplate.Parse(launch);
            }
            catch (FormatException e)
            {
                throw new SettingsError($"{r.NameOf("remote.launch")}: {e.Message}");
            }
        }
        var bad = hosts.FirstOrDefault(h => h.Any(char.IsWhiteSpace) || Launching.LaunchTemplate.HostName(h).Length == 0);
        if (bad is not null) throw new SettingsError($"{r.NameOf("remote.hosts")}: '{bad}' is not a host name");
        return (hosts, launch);
    }

    public static bool IsLoopback(string host) =>
        host == "localhost" || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));

    private static void CheckKeys(Layer layer, IReadOnlySet<string> known)
    {
        foreach (var key in Leaves(layer.Config))
        {
            if (key.StartsWith("akka.", StringComparison.Ordinal)) continue;
            if (!known.Contains(key))
                throw new SettingsError($"{layer.Source}: unknown key '{key}'{Suggest(key, known)}");
        }
    }

    private static string Suggest(string key, IReadOnlySet<string> known)
    {
        var best = known.MinBy(k => Distance(k, key));
        return best is not null && Distance(best, key) <= 3 ? $" (did you mean '{best}'?)" : "";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    /// <summary>Every leaf key of a config, dotted.</summary>
    private static IEnumerable<string> Leaves(Config config) =>
        config.Root is { } root && root.IsObject() ? Leaves(root.GetObject(), "") : [];

    private static IEnumerable<string> Leaves(HoconObject obj, string prefix)
    {
        foreach (var (key, value) in obj.Items)
        {
            var path = prefix.Length == 0 ? key : prefix + "." + key;
            if (value.IsObject())
                foreach (var leaf in Leaves(value.GetObject(), path)) yield return leaf;
            else
                yield return path;
        }
    }

    private static Config Parse(string text, string source)
    {
        if (HoconSyntax.FirstProblem(text) is { } problem)
            throw new SettingsError($"{source}: malformed HOCON: {problem}");
        // Akka's parser is run with a bound: a shape it loops on is an error, not a hang.
        var parse = Task.Run(() => ConfigurationFactory.ParseString(text));
        try
        {
            if (!parse.Wait(OrchestratorTimings.HoconParse))
                throw new SettingsError($"{source}: malformed HOCON: the parser did not finish");
            return parse.Result;
        }
        catch (AggregateException e)
        {
            throw new SettingsError($"{source}: malformed HOCON: {RunnerLogging.OneLine(e.GetBaseException().Message)}");
        }
    }

    private static string Hocon(object value) => value switch
    {
        bool b => b ? "on" : "off",
        int or long => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        string s => System.Text.Json.JsonSerializer.Serialize(s),
        _ => throw new ArgumentException($"no HOCON form for {value.GetType().Name}"),
    };

    /// <summary>Typed reads that name the key (and the layer that set it) when a value is wrong.</summary>
    private sealed class Reader(Config config, IReadOnlyList<Layer> layers)
    {
        public string NameOf(string key) => Name(key);

        private string Name(string key) => SettingsLoader.NameOf(key, layers);

        private string Raw(string key) => config.GetString($"{Root}.{key}") ?? "";

        public bool IsAuto(string key) => Raw(key).Equals("auto", StringComparison.OrdinalIgnoreCase);

        public int Count(string key, int min)
        {
            var raw = Raw(key);
            if (!int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
                throw new SettingsError($"{Name(key)}: '{raw}' is not a whole number");
            if (value < min)
                throw new SettingsError($"{Name(key)}: {value} is below the minimum of {min}");
            return value;
        }

        /// <summary>One of an enum's members, named in lower case.</summary>
        public T Choice<T>(string key) where T : struct, Enum
        {
            var raw = Raw(key);
            var names = Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToList();
            if (!names.Contains(raw.ToLowerInvariant()))
                throw new SettingsError($"{Name(key)}: '{raw}' is not one of {string.Join(", ", names)}");
            return Enum.Parse<T>(raw, ignoreCase: true);
        }

        public bool Bool(string key)
        {
            var raw = Raw(key).ToLowerInvariant();
            return raw switch
            {
                "on" or "true" or "yes" => true,
                "off" or "false" or "no" => false,
                _ => throw new SettingsError($"{Name(key)}: '{raw}' is not on or off"),
            };
        }

        public string String(string key)
        {
            var value = config.GetValue($"{Root}.{key}");
            if (value is null || value.IsObject() || value.IsArray())
                throw new SettingsError($"{Name(key)}: must be a single value");
            return value.GetString() ?? "";
        }

        /// <summary>
        /// A duration setting. <paramref name="unbounded"/>: not a wait the runner times (the run's time budget);
        /// every other one is at most <see cref="LongestWait"/>, the longest timer .NET and Akka take.
        /// </summary>
        public TimeSpan Duration(string key, bool allowZero = false, bool unbounded = false)
        {
            var raw = Raw(key);
            TimeSpan value;
            try
            {
                value = config.GetTimeSpan($"{Root}.{key}", null, allowInfinite: false);
            }
            catch (Exception)
            {
                // A number and a unit that overflow a TimeSpan (over 29,000 years) are a duration all the same.
                if (System.Text.RegularExpressions.Regex.IsMatch(raw, @"^\s*\d+(\.\d+)?\s*(ns|us|ms|s|m|h|d|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?)\s*$"))
                    throw new SettingsError($"{Name(key)}: '{raw}' is too long{(unbounded ? "" : $": at most {LongestWait.TotalDays:0} days")}");
                throw new SettingsError($"{Name(key)}: '{raw}' is not a duration like 500ms, 10s or 2m");
            }
            if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
                throw new SettingsError($"{Name(key)}: '{raw}' must be {(allowZero ? "zero or more" : "more than zero")}");
            if (!unbounded && value > LongestWait)
                throw new SettingsError($"{Name(key)}: '{raw}' is too long: at most {LongestWait.TotalDays:0} days");
            return value;
        }
    }
}
