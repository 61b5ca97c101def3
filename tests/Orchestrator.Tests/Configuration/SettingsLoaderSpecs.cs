using ActorRunner.Messages;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Scenarios;

namespace ActorRunner.Orchestrator.Tests.Configuration;

public sealed class SettingsLoaderSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("settings-loader-specs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteConf(string text, string name = "run.conf")
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static RunSettings Load(params string[] assignments) =>
        SettingsLoader.Load(assignments.Select(SettingsLoader.FromAssignment).ToList()).Settings;

    private static SettingsError LoadFails(params string[] assignments) =>
        Assert.Throws<SettingsError>(() => Load(assignments));

    [Fact]
    public void The_built_in_defaults_load()
    {
        var (settings, akka, scenario) = SettingsLoader.Load([]);

        Assert.Equal(100, settings.Tasks);
        Assert.Equal(1, settings.Loops);
        Assert.Equal("sqlite-counter", settings.Scenario);
        Assert.IsType<Scenarios.SqliteCounter.CounterScenario>(scenario);
        Assert.Equal(LockModes.File, settings.LockMode);
        Assert.Equal("file", settings.LockModeName);
        Assert.Equal(RunnerLock.File, settings.Lock);
        Assert.False(settings.LockAppliedByScenario);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.LockTimeout);
        Assert.Equal(0, settings.RemoteNodes);
        Assert.Equal(TimeSpan.Zero, settings.ReleaseDelay);
        Assert.Equal("127.0.0.1", settings.Hostname);
        Assert.Equal("information", settings.LogLevel);
        Assert.False(settings.ContinueOnFailure);
        Assert.True(akka.IsEmpty);
    }

    [Fact]
    public void A_file_is_overridden_by_set_which_is_overridden_by_the_options()
    {
        var file = WriteConf("""
            actor-runner {
              tasks = 10
              loops = 3
              release-delay = 250ms
              lock.timeout = 2s
            }
            """);
        var layers = new List<SettingsLoader.Layer>
        {
            SettingsLoader.FromFile(file),
            SettingsLoader.FromAssignment("tasks=20"),
            SettingsLoader.FromAssignment("actor-runner.loops = 4"),
        };
        layers.AddRange(SettingsLoader.FromOptions(new Dictionary<string, (string, object)>
        {
            ["tasks"] = ("--tasks", 30),
            ["continue-on-failure"] = ("--continue-on-failure", true),
        }));

        var settings = SettingsLoader.Load(layers).Settings;

        Assert.Equal(30, settings.Tasks);                                // options beat --set and the file
        Assert.Equal(4, settings.Loops);                                 // --set beats the file
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.ReleaseDelay); // the file beats the defaults
        Assert.Equal(TimeSpan.FromSeconds(2), settings.LockTimeout);
        Assert.True(settings.ContinueOnFailure);
    }

    [Fact]
    public void Akka_keys_pass_through_to_the_akka_config()
    {
        var (_, akka, _) = SettingsLoader.Load([SettingsLoader.FromAssignment("akka.loglevel=DEBUG")]);

        Assert.Equal("DEBUG", akka.GetString("akka.loglevel"));
    }

    [Fact]
    public void An_unknown_key_in_a_file_names_the_key_the_file_and_the_near_key()
    {
        var file = WriteConf("actor-runner { taks = 5 }");

        var error = Assert.Throws<SettingsError>(() => SettingsLoader.Load([SettingsLoader.FromFile(file)]));

        Assert.Contains("'actor-runner.taks'", error.Message);
        Assert.Contains(file, error.Message);
        Assert.Contains("did you mean 'actor-runner.tasks'", error.Message);
    }

    [Fact]
    public void An_unknown_key_in_set_names_the_assignment_and_the_near_key()
    {
        var error = LoadFails("lock.timout=5s");

        Assert.Contains("'actor-runner.lock.timout'", error.Message);
        Assert.Contains("--set lock.timout=5s", error.Message);
        Assert.Contains("did you mean 'actor-runner.lock.timeout'", error.Message);
    }

    [Fact]
    public void A_key_far_from_every_known_key_gets_no_suggestion()
    {
        var error = LoadFails("completely-unrelated=1");

        Assert.Contains("'actor-runner.completely-unrelated'", error.Message);
        Assert.DoesNotContain("did you mean", error.Message);
    }

    [Theory]
    [InlineData("tasks=0", "actor-runner.tasks")]
    [InlineData("tasks=-5", "actor-runner.tasks")]
    [InlineData("loops=-1", "actor-runner.loops")]
    [InlineData("loops=0", "actor-runner.loops")]
    [InlineData("remote-nodes=-1", "actor-runner.remote-nodes")]
    [InlineData("tasks=many", "actor-runner.tasks")]
    [InlineData("tasks=2.5", "actor-runner.tasks")]
    public void A_count_that_is_not_a_positive_whole_number_is_an_error_naming_the_key(string assignment, string key)
    {
        var error = LoadFails(assignment);

        Assert.StartsWith(key + " ", error.Message);
        Assert.Contains($"--set {assignment}", error.Message);
    }

    [Theory]
    [InlineData("lock.timeout=ten seconds", "actor-runner.lock.timeout")]
    [InlineData("barrier-timeout=soon", "actor-runner.barrier-timeout")]
    [InlineData("lock.timeout=0s", "actor-runner.lock.timeout")]
    [InlineData("release-delay=-1s", "actor-runner.release-delay")]
    public void A_duration_that_does_not_parse_or_is_out_of_range_is_an_error_naming_the_key(string assignment, string key)
    {
        var error = LoadFails(assignment);

        Assert.StartsWith(key + " ", error.Message);
    }

    [Theory]
    [InlineData("lock.timeout=25d", "actor-runner.lock.timeout")]
    [InlineData("lock.hold=100000d", "actor-runner.lock.hold")]
    [InlineData("release-lead=30d", "actor-runner.release-lead")]
    [InlineData("loop-timeout=100000000d", "actor-runner.loop-timeout")]
    public void A_wait_longer_than_a_timer_takes_is_an_error_naming_the_key_and_the_longest(string assignment, string key)
    {
        var error = LoadFails(assignment);

        Assert.StartsWith(key + " ", error.Message);
        Assert.Contains("is too long: at most 24 days", error.Message);
    }

    [Fact]
    public void A_number_with_a_unit_HOCON_does_not_know_is_not_a_duration_rather_than_too_long()
    {
        Assert.Equal("actor-runner.lock.timeout (from --set lock.timeout=10secs): '10secs' is not a duration like 500ms, 10s or 2m",
            LoadFails("lock.timeout=10secs").Message);
    }

    [Fact]
    public void The_longest_wait_is_allowed_and_the_time_budget_has_no_such_bound()
    {
        Assert.Equal(TimeSpan.FromDays(24), Load("lock.timeout=24d").LockTimeout);
        Assert.Equal(TimeSpan.FromDays(400), Load("loops=0", "duration=400d").Duration);
    }

    [Fact]
    public void A_zero_release_delay_is_allowed()
    {
        Assert.Equal(TimeSpan.Zero, Load("release-delay=0s").ReleaseDelay);
    }

    // Akka's HOCON parser is lenient: it accepts unclosed braces and brackets, so only what it does refuse
    // (a stray token, an unresolved substitution) can show the error path.
    [Theory]
    [InlineData("actor-runner {\n  tasks = 5,,\n}\n")]
    [InlineData("actor-runner {\n  tasks = ${nowhere}\n}\n")]
    public void A_malformed_hocon_file_is_a_one_line_error_naming_the_file(string text)
    {
        var file = WriteConf(text, "broken.conf");

        var error = Assert.Throws<SettingsError>(() => SettingsLoader.FromFile(file));

        Assert.StartsWith(file + ": malformed HOCON", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_missing_config_file_is_an_error_naming_it()
    {
        var missing = Path.Combine(_folder, "nowhere.conf");

        var error = Assert.Throws<SettingsError>(() => SettingsLoader.FromFile(missing));

        Assert.Contains(missing, error.Message);
    }

    [Theory]
    [InlineData("tasks")]
    [InlineData("=5")]
    [InlineData("")]
    public void Set_without_a_key_and_an_equals_sign_is_an_error(string assignment)
    {
        var error = Assert.Throws<SettingsError>(() => SettingsLoader.FromAssignment(assignment));

        Assert.Contains("KEY=VALUE", error.Message);
    }

    [Fact]
    public void Automatic_nodes_are_one_per_core_at_least_two()
    {
        var settings = Load("tasks=100");

        Assert.Equal(Math.Min(100, Math.Max(2, Environment.ProcessorCount)), settings.Nodes);
        Assert.Equal((int)Math.Ceiling(100 / (double)settings.Nodes), settings.TasksPerNode);
    }

    [Fact]
    public void Automatic_nodes_are_never_more_than_the_tasks()
    {
        var settings = Load("tasks=1");

        Assert.Equal(1, settings.Nodes);
        Assert.Equal(1, settings.TasksPerNode);
    }

    [Theory]
    [InlineData(10, 3, 4)]
    [InlineData(10, 10, 1)]
    [InlineData(10, 1, 10)]
    [InlineData(7, 2, 4)]
    public void Tasks_per_node_alone_decides_the_number_of_nodes(int tasks, int perNode, int nodes)
    {
        var settings = Load($"tasks={tasks}", $"tasks-per-node={perNode}");

        Assert.Equal(nodes, settings.Nodes);
        Assert.Equal(perNode, settings.TasksPerNode);
        Assert.True(settings.Nodes * settings.TasksPerNode >= tasks);
    }

    [Fact]
    public void Nodes_times_tasks_per_node_below_the_tasks_is_an_error()
    {
        var error = LoadFails("tasks=10", "nodes=2", "tasks-per-node=3");

        Assert.StartsWith("actor-runner.tasks-per-node", error.Message);
        Assert.Contains("cannot host 10 tasks", error.Message);
    }

    [Fact]
    public void More_nodes_than_tasks_is_an_error()
    {
        var error = LoadFails("tasks=2", "nodes=3");

        Assert.StartsWith("actor-runner.nodes", error.Message);
    }

    [Theory]
    [InlineData("tasks-per-node=3", "actor-runner.tasks-per-node (from --set tasks-per-node=3): 2 nodes x 3 tasks cannot host 10 tasks")]
    [InlineData("nodes=11", "actor-runner.nodes (from --set nodes=11): 11 nodes for 10 tasks leaves nodes without a task")]
    [InlineData("remote.port=70000", "actor-runner.remote.port (from --set remote.port=70000): 70000 is not a port")]
    [InlineData("log-level=LOUD", "actor-runner.log-level (from --set log-level=LOUD): 'loud' is not one of verbose, debug, information, warning, error")]
    [InlineData("remote.hostname=\"\"", "actor-runner.remote.hostname (from --set remote.hostname=\"\"): must not be empty")]
    [InlineData("out=\"\"", "actor-runner.out (from --set out=\"\"): must not be empty")]
    [InlineData("remote.tls.cert=/nonexistent/node.pem", "actor-runner.remote.tls.key: TLS needs the certificate, the key and the CA (--tls-cert, --tls-key, --tls-ca)")]
    public void A_refused_value_names_the_layer_that_set_its_key(string assignment, string message)
    {
        var error = LoadFails("tasks=10", "nodes=2", assignment);

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_log_level_is_kept_by_its_documented_name()
    {
        Assert.Equal("information", Load("log-level=INFO").LogLevel);
        Assert.Equal("warning", Load("log-level=Warning").LogLevel);
    }

    [Fact]
    public void Binding_beyond_loopback_without_a_token_is_an_error()
    {
        var error = LoadFails("remote.hostname=0.0.0.0");

        Assert.StartsWith("actor-runner.remote.token", error.Message);
        Assert.Contains("0.0.0.0", error.Message);
    }

    [Fact]
    public void Binding_beyond_loopback_with_a_token_is_allowed()
    {
        var settings = Load("remote.hostname=0.0.0.0", "remote.token=s3cret");

        Assert.Equal("0.0.0.0", settings.Hostname);
        Assert.Equal("s3cret", settings.Token);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("::1")]
    public void Loopback_needs_no_token(string host)
    {
        Assert.True(SettingsLoader.IsLoopback(host));
    }

    [Fact]
    public void An_unknown_lock_mode_is_an_error_listing_the_modes()
    {
        var error = LoadFails("lock.mode=mutex");

        Assert.StartsWith("actor-runner.lock.mode", error.Message);
        Assert.Contains("'mutex'", error.Message);
        Assert.Contains("orchestrator", error.Message);
    }

    [Theory]
    [InlineData("file", "file", RunnerLock.File)]
    [InlineData("none", "none", RunnerLock.None)]
    [InlineData("orchestrator", "orchestrator", RunnerLock.Orchestrator)]
    [InlineData("SQLite", "sqlite", RunnerLock.Scenario)]
    public void Every_lock_mode_of_the_counter_parses(string name, string mode, RunnerLock runnerLock)
    {
        var settings = Load($"lock.mode={name}");

        Assert.Equal(mode, settings.LockMode);
        Assert.Equal(runnerLock, settings.Lock);
        Assert.Equal(runnerLock == RunnerLock.Scenario, settings.LockAppliedByScenario);
    }

    [Fact]
    public void A_lock_mode_of_another_scenario_is_refused_naming_the_scenario_that_has_it()
    {
        var error = LoadFails("lock.mode=postgres-advisory");

        Assert.StartsWith("actor-runner.lock.mode", error.Message);
        Assert.Contains("postgres-row-limit", error.Message);
        Assert.Contains("sqlite-counter", error.Message);
    }

    [Fact]
    public void The_row_limit_scenario_takes_its_settings_section_with_its_defaults_under_what_is_given()
    {
        var settings = Load("scenario=postgres-row-limit", "lock.mode=postgres-advisory", "postgres.limit=3");

        Assert.Equal("postgres-row-limit", settings.Scenario);
        Assert.True(settings.LockAppliedByScenario);
        Assert.Equal(RunnerLock.Scenario, settings.Lock);
        Assert.Equal("actor-runner.postgres", settings.ScenarioSection);
        Assert.Equal("3", settings.ScenarioSettings["limit"]);
        Assert.Equal("4", settings.ScenarioSettings["users"]);
        Assert.Contains("Host=127.0.0.1", settings.ScenarioSettings["connection-string"]);
    }

    [Fact]
    public void The_scenario_sees_the_same_run_on_the_orchestrator_as_on_a_node_accepted_on_its_terms()
    {
        var settings = Load("scenario=postgres-row-limit", "lock.mode=postgres-advisory", "lock.timeout=1500ms", "tasks=3", "loops=7", "postgres.limit=3");

        var onOrchestrator = SettingsLoader.ScenarioRunOf(settings, "run-1", "/runs/run-1/counter.db");
        var terms = settings.NodeTerms("run-1", "/runs/run-1/counter.lock", "/runs/run-1/counter.db");
        var onNode = TaskNode.Tasks.ScenarioTerms.RunOf(terms with { NodeId = "node-2", FirstTaskIndex = 2, TaskIds = ["task-3"] });

        foreach (var run in new[] { onOrchestrator, onNode })
        {
            Assert.Equal(("run-1", "postgres-row-limit", 3, 7, "/runs/run-1/counter.db"), (run.RunId, run.Scenario, run.Tasks, run.Loops, run.DbPath));
            Assert.Equal(new LockInfo("postgres-advisory", TimeSpan.FromMilliseconds(1500), AppliedByScenario: true), run.Lock);
            Assert.Equal("actor-runner.postgres", run.Settings.Prefix);
            Assert.Equal(settings.ScenarioSettings, run.Settings.Values);
        }
        Assert.Equal((RunnerLock.Scenario, 1500L, "/runs/run-1/counter.lock"), (terms.Lock, terms.LockTimeoutMs, terms.LockFile));
    }

    [Fact]
    public void A_scenario_setting_out_of_range_is_refused_with_its_full_key()
    {
        var error = LoadFails("scenario=postgres-row-limit", "postgres.limit=0");

        Assert.StartsWith("actor-runner.postgres.limit (from --set postgres.limit=0): 0 is below the minimum of 1", error.Message);
    }

    [Fact]
    public void An_unknown_key_in_a_scenario_section_is_refused_with_a_suggestion()
    {
        var error = LoadFails("scenario=postgres-row-limit", "postgres.limits=3");

        Assert.Contains("unknown key 'actor-runner.postgres.limits'", error.Message);
        Assert.Contains("did you mean 'actor-runner.postgres.limit'", error.Message);
    }

    [Theory]
    [InlineData("no-such-scenario", "is not a built-in scenario")]
    [InlineData("My.Scenario, My", "--scenario-assembly")]
    public void An_unknown_scenario_is_refused_saying_what_is_expected(string name, string expected)
    {
        var error = LoadFails($"scenario=\"{name}\"");

        Assert.StartsWith("actor-runner.scenario", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_scenario_assembly_that_is_missing_or_not_an_assembly_is_refused()
    {
        var missing = LoadFails("scenario=\"My.Scenario, My\"", "scenario-assembly=/nonexistent/My.dll");
        Assert.Contains("no such file /nonexistent/My.dll", missing.Message);

        var text = Path.GetTempFileName();
        try
        {
            File.WriteAllText(text, "not an assembly");
            var bad = LoadFails("scenario=\"My.Scenario, My\"", $"scenario-assembly=\"{text}\"");
            Assert.Contains("is not a .NET assembly", bad.Message);
        }
        finally
        {
            File.Delete(text);
        }
    }

    [Fact]
    public void Race_window_takes_its_width_and_ladder_from_its_own_section()
    {
        var settings = Load("scenario=race-window", "lock.mode=none", "race-window.us=250");

        Assert.Equal("race-window", settings.Scenario);
        Assert.Equal("actor-runner.race-window", settings.ScenarioSection);
        Assert.Equal("250", settings.ScenarioSettings["us"]);
        Assert.Equal("", settings.ScenarioSettings["ladder"]);
    }

    [Theory]
    [InlineData("race-window.us=-5", "actor-runner.race-window.us (from --set race-window.us=-5): -5 is below the minimum of 0")]
    [InlineData("race-window.ladder=\"1,x\"", "actor-runner.race-window.ladder (from --set race-window.ladder=\"1,x\"): '1,x': 'x' is not a whole number")]
    public void A_wrong_race_window_setting_is_refused_naming_the_key_and_its_layer(string assignment, string expected) =>
        Assert.StartsWith(expected, LoadFails("scenario=race-window", assignment).Message);

    [Fact]
    public void Race_window_with_nodes_from_other_machines_is_refused_naming_the_reason()
    {
        var error = LoadFails("scenario=race-window", "remote-nodes=1", "nodes=1", "tasks=2");

        Assert.StartsWith("actor-runner.remote-nodes (from --set remote-nodes=1): scenario race-window runs on one machine only: ", error.Message);
        Assert.Contains("memory-mapped", error.Message);
        Assert.Equal(1, Load("remote-nodes=1", "nodes=1", "tasks=2").RemoteNodes); // the counter takes them
    }

    [Theory]
    [InlineData(10, 3, 1, new[] { 3, 3, 2, 2 })]
    [InlineData(100, 3, 0, new[] { 34, 33, 33 })]
    [InlineData(4, 4, 0, new[] { 1, 1, 1, 1 })]
    [InlineData(5, 0, 2, new[] { 3, 2 })]
    public void Task_slots_spread_the_tasks_evenly_with_unique_ids_covering_every_task(int tasks, int nodes, int remote, int[] sizes)
    {
        var settings = SettingsLoader.Load([]).Settings with { Tasks = tasks, Nodes = nodes, RemoteNodes = remote };

        var slots = settings.TaskSlots();

        Assert.Equal(sizes, slots.Select(s => s.Count));
        var all = slots.SelectMany(s => s).ToList();
        Assert.Equal(tasks, all.Distinct().Count());
        var width = tasks.ToString().Length;
        Assert.Equal(Enumerable.Range(1, tasks).Select(i => "task-" + i.ToString().PadLeft(width, '0')).Order(StringComparer.Ordinal),
            all.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_release_lead_and_wait_are_chosen_by_the_runner_unless_set()
    {
        var defaults = Load();
        Assert.Null(defaults.ReleaseLead);
        Assert.Equal(Orchestrator.Releasing.ReleaseWaitChoice.Auto, defaults.ReleaseWait);

        var set = Load("release-lead=5ms", "release.wait=SPIN");
        Assert.Equal(TimeSpan.FromMilliseconds(5), set.ReleaseLead);
        Assert.Equal(Orchestrator.Releasing.ReleaseWaitChoice.Spin, set.ReleaseWait);
        Assert.Equal(Orchestrator.Releasing.ReleaseWaitChoice.Wake, Load("release.wait=wake").ReleaseWait);
    }

    [Fact]
    public void The_cpus_are_kept_awake_unless_the_run_says_off_and_every_node_is_told_which()
    {
        var defaults = Load();
        Assert.True(defaults.KeepCpusAwake);
        Assert.True(defaults.NodeTerms("run-1", "/tmp/l", "/tmp/d").KeepCpusAwake);

        var off = Load("release.keep-cpus-awake=off");
        Assert.False(off.KeepCpusAwake);
        Assert.False(off.NodeTerms("run-1", "/tmp/l", "/tmp/d").KeepCpusAwake);

        var error = LoadFails("release.keep-cpus-awake=sometimes");
        Assert.Contains("actor-runner.release.keep-cpus-awake", error.Message);
        Assert.Contains("not on or off", error.Message);
    }

    [Fact]
    public void A_release_wait_that_is_not_a_choice_names_the_key_and_the_choices()
    {
        var error = LoadFails("release.wait=busy");
        Assert.Contains("actor-runner.release.wait", error.Message);
        Assert.Contains("auto, spin, wake", error.Message);
    }

    [Fact]
    public void The_counters_synchronous_level_is_checked_before_anything_starts()
    {
        Assert.Equal("full", Load("sqlite.synchronous=full").ScenarioSettings["synchronous"]);
        var error = LoadFails("sqlite.synchronous=sometimes");
        Assert.Contains("actor-runner.sqlite.synchronous", error.Message);
    }

    /// <summary>A scenario of one's own (this assembly) that refuses its "level" above 3, the typed way or with a whole message.</summary>
    private static string[] Refusing(params string[] assignments) =>
        [$"scenario=\"{typeof(RefusingScenario).FullName}, {typeof(RefusingScenario).Assembly.GetName().Name}\"",
            $"scenario-assembly=\"{typeof(RefusingScenario).Assembly.Location}\"", "lock.mode=none", .. assignments];

    [Fact]
    public void A_scenario_s_refusal_by_key_names_the_layer_that_set_the_key()
    {
        Assert.Equal("4", Load(Refusing("refusing.level=2", "refusing.level=4", "refusing.whole=no")).ScenarioSettings["level"]);

        var error = LoadFails(Refusing("refusing.level=5"));

        Assert.Equal("actor-runner.refusing.level (from --set refusing.level=5): 5: above 4", error.Message);
    }

    [Fact]
    public void A_scenario_s_refusal_given_as_a_whole_message_is_shown_as_it_is()
    {
        var error = LoadFails(Refusing("refusing.level=5", "refusing.whole=yes"));

        Assert.Equal("actor-runner.refusing.level: 5: above 4", error.Message);
    }
}

/// <summary>Refuses a "level" above 4 (<see cref="SettingsLoaderSpecs"/>), by key or, with "whole" on, as one message.</summary>
public sealed class RefusingScenario : Scenario
{
    public override string? SettingsSection => "refusing";
    public override IReadOnlyDictionary<string, string> DefaultSettings { get; } = new Dictionary<string, string> { ["level"] = "1", ["whole"] = "no" };

    public override void Validate(ScenarioRun run)
    {
        var level = run.Settings.GetInt("level");
        if (level <= 4) return;
        var key = run.Settings.Name("level");
        throw run.Settings.GetBool("whole")
            ? new ScenarioSettingsException($"{key}: {level}: above 4")
            : new ScenarioSettingsException(key, $"{level}: above 4");
    }

    public override void BeforeTasks(LoopContext context) { }
    public override IScenarioTask CreateTask(TaskContext context) => throw new InvalidOperationException("only its settings are loaded here");
    public override ScenarioOutcome AfterTasks(LoopContext context) => new("nothing", 0);
    public override ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results) => new([], [], new Dictionary<string, long>());
}
