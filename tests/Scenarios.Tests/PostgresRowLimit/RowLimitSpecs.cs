using System.Diagnostics;
using ActorRunner.Scenarios.PostgresRowLimit;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace ActorRunner.Scenarios.Tests.PostgresRowLimit;

/// <summary>
/// The postgres-row-limit scenario against a real server (ACTOR_RUNNER_POSTGRES), each test on a table of its own,
/// and its judgement on hand-made outcomes.
/// </summary>
public sealed class RowLimitSpecs(ITestOutputHelper output) : IDisposable
{
    private const string RunId = "20261126-193600-ab12";
    private const string Advisory = RowLimitScenario.AdvisoryLockMode;
    private const string Unreachable = "Host=127.0.0.1;Port=1;Username=postgres;Database=postgres;Timeout=3";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    private readonly RowLimitScenario _scenario = new();
    private readonly List<IScenarioTask> _tasks = [];
    private readonly List<string> _tables = [];

    public void Dispose()
    {
        foreach (var task in _tasks) task.Dispose();
        var connectionString = Environment.GetEnvironmentVariable("ACTOR_RUNNER_POSTGRES");
        if (string.IsNullOrWhiteSpace(connectionString) || _tables.Count == 0) return;
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        foreach (var table in _tables) Sql(connection, $"DROP TABLE IF EXISTS {table} CASCADE; DROP FUNCTION IF EXISTS {table}_limit() CASCADE;");
    }

    /// <summary>The test server, or a failure that says how to start one (no silent skip).</summary>
    private static string Server()
    {
        var connectionString = Environment.GetEnvironmentVariable("ACTOR_RUNNER_POSTGRES");
        if (string.IsNullOrWhiteSpace(connectionString))
            Assert.Fail("ACTOR_RUNNER_POSTGRES is not set: these tests need a PostgreSQL server. Run them with `bash .ci/run`, "
                        + "or start a throwaway one first: eval \"$(bash .ci/postgres.sh start)\" (stop it with bash .ci/postgres.sh stop)");
        return connectionString;
    }

    private string NewTable()
    {
        var table = $"rl_spec_{Guid.NewGuid():N}";
        _tables.Add(table);
        return table;
    }

    private static ScenarioRun Run(
        string connectionString, string lockMode, int limit, int users, int tasks, string table = "", TimeSpan? lockTimeout = null) =>
        new(RunId, RowLimitScenario.Name, tasks, 1,
            new LockInfo(lockMode, lockTimeout ?? LockTimeout, AppliedByScenario: lockMode == Advisory), "",
            Section(connectionString, limit.ToString(), users.ToString(), table));

    private static ScenarioSection Section(string connectionString, string limit, string users, string table) =>
        new("actor-runner.postgres", new Dictionary<string, string>
        {
            ["connection-string"] = connectionString,
            ["limit"] = limit,
            ["users"] = users,
            ["table"] = table,
        });

    private static LoopContext Loop(ScenarioRun run, int loop) => new(run, loop, NullLogger.Instance);

    private static TaskContext TaskOf(ScenarioRun run, int index, int loop) =>
        new(run, "node-1", $"task-{index:000}", index, loop, NullLogger.Instance);

    private IReadOnlyList<IScenarioTask> CreateTasks(ScenarioRun run)
    {
        var created = new List<IScenarioTask>();
        for (var i = 0; i < run.Tasks; i++)
        {
            var task = _scenario.CreateTask(TaskOf(run, i, 0));
            _tasks.Add(task);
            created.Add(task);
        }
        return created;
    }

    private static TaskResult ResultOf(string taskId, Func<ActionResult> act)
    {
        try
        {
            var result = act();
            return new TaskResult(taskId, "node-1", ActionStatus.Completed, result.Observed, result.Written, null);
        }
        catch (ScenarioException e)
        {
            return new TaskResult(taskId, "node-1", e.MayHaveCommitted ? ActionStatus.Indeterminate : ActionStatus.Failed, 0, 0, e.Message);
        }
        catch (Exception e)
        {
            return new TaskResult(taskId, "node-1", ActionStatus.Indeterminate, 0, 0, e.Message);
        }
    }

    /// <summary>One loop as the runner runs it: reset, every task released at once on its own thread, read, judge.</summary>
    private (ScenarioOutcome Outcome, IReadOnlyList<TaskResult> Results, ScenarioJudgement Judgement) RunLoop(
        ScenarioRun run, IReadOnlyList<IScenarioTask> tasks, int loop)
    {
        _scenario.BeforeTasks(Loop(run, loop));
        var results = new TaskResult[tasks.Count];
        using var release = new Barrier(tasks.Count);
        var threads = tasks.Select((task, i) => new Thread(() =>
        {
            var context = TaskOf(run, i, loop);
            release.SignalAndWait(TimeSpan.FromSeconds(30));
            results[i] = ResultOf(context.TaskId, () => task.RunTask(context));
        }) { IsBackground = true }).ToList();
        foreach (var thread in threads) thread.Start();
        var clock = Stopwatch.StartNew();
        foreach (var thread in threads)
            Assert.True(thread.Join(TimeSpan.FromTicks(Math.Max(0, (TimeSpan.FromSeconds(60) - clock.Elapsed).Ticks))),
                "a task did not finish within 60 s");

        var outcome = _scenario.AfterTasks(Loop(run, loop));
        return (outcome, results, _scenario.ResultOk(Loop(run, loop), outcome, results));
    }

    private static void Sql(NpgsqlConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    // ---- settings -------------------------------------------------------------------------------------------

    [Fact]
    public void It_declares_its_section_defaults_and_lock_mode()
    {
        Assert.Equal("postgres-row-limit", RowLimitScenario.Name);
        Assert.Equal("postgres", _scenario.SettingsSection);
        Assert.Equal(["postgres-advisory"], _scenario.OwnLockModes);
        Assert.Equal("Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres", _scenario.DefaultSettings["connection-string"]);
        Assert.Equal("5", _scenario.DefaultSettings["limit"]);
        Assert.Equal("4", _scenario.DefaultSettings["users"]);
        Assert.Equal("", _scenario.DefaultSettings["table"]);

        var defaults = new ScenarioRun(RunId, RowLimitScenario.Name, 10, 1, new LockInfo("none", LockTimeout, false), "",
            new ScenarioSection("actor-runner.postgres", _scenario.DefaultSettings));
        _scenario.Validate(defaults);
        Assert.Equal("actor_runner_items_20261126_193600_ab12", RowLimitSettings.From(defaults).Table);
    }

    [Theory]
    [InlineData("0", "4", "", "actor-runner.postgres.limit: 0 is below the minimum of 1")]
    [InlineData("five", "4", "", "actor-runner.postgres.limit: 'five' is not a whole number")]
    [InlineData("5", "0", "", "actor-runner.postgres.users: 0 is below the minimum of 1")]
    [InlineData("5", "4", "Items", "actor-runner.postgres.table: 'Items' is not a plain SQL name")]
    [InlineData("5", "4", "items; DROP TABLE users", "actor-runner.postgres.table: 'items; DROP TABLE users' is not a plain SQL name")]
    [InlineData("5", "4", "1items", "actor-runner.postgres.table: '1items' is not a plain SQL name")]
    [InlineData("5", "4", "a_name_that_is_much_too_long_for_the_derived_names_1", "actor-runner.postgres.table: 'a_name_that_is_much_too_long_for_the_derived_names_1' is longer than 50 characters")]
    public void Validate_refuses_a_bad_setting_naming_its_full_key(string limit, string users, string table, string message)
    {
        var run = new ScenarioRun(RunId, RowLimitScenario.Name, 10, 1, new LockInfo("none", LockTimeout, false), "",
            Section("Host=127.0.0.1", limit, users, table));

        var error = Assert.Throws<ScenarioSettingsException>(() => _scenario.Validate(run));

        Assert.StartsWith(message, error.Message);
    }

    [Theory]
    [InlineData("Hostname=127.0.0.1;Port=5432")]
    [InlineData("Host=127.0.0.1;Port=many")]
    [InlineData("Port=5432;Username=postgres")]
    public void Validate_refuses_a_bad_connection_string_naming_its_full_key(string connectionString)
    {
        var run = new ScenarioRun(RunId, RowLimitScenario.Name, 10, 1, new LockInfo("none", LockTimeout, false), "",
            Section(connectionString, "5", "4", ""));

        var error = Assert.Throws<ScenarioSettingsException>(() => _scenario.Validate(run));

        Assert.StartsWith("actor-runner.postgres.connection-string: ", error.Message);
    }

    [Fact]
    public void The_default_table_is_a_plain_sql_name_made_of_the_run_id()
    {
        Assert.Equal("actor_runner_items_20261126_193600_ab12", RowLimitSettings.DefaultTable("20261126-193600-ab12"));
        Assert.Equal("actor_runner_items_run_1_x", RowLimitSettings.DefaultTable("Run 1.x"));
        Assert.Equal(RowLimitSettings.MaxTableLength, RowLimitSettings.DefaultTable(new string('a', 80)).Length);
    }

    // ---- connection failures --------------------------------------------------------------------------------

    [Fact]
    public void An_unreachable_server_fails_before_run_quickly_naming_host_and_port()
    {
        var run = Run(Unreachable, "none", limit: 5, users: 2, tasks: 2);
        var clock = Stopwatch.StartNew();

        var error = Assert.ThrowsAny<Exception>(() => _scenario.BeforeRun(Loop(run, 0)));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("127.0.0.1:1", error.Message);
        Assert.Contains("could not connect to PostgreSQL", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        output.WriteLine(error.Message);
    }

    [Fact]
    public void An_unreachable_server_fails_create_task_naming_the_task_host_and_port()
    {
        var run = Run(Unreachable, Advisory, limit: 5, users: 2, tasks: 2);

        var error = Assert.ThrowsAny<Exception>(() => _scenario.CreateTask(TaskOf(run, 1, 0)));

        Assert.Contains("task-001", error.Message);
        Assert.Contains("127.0.0.1:1", error.Message);
        output.WriteLine(error.Message);
    }

    [Fact]
    public void Create_task_before_the_table_exists_says_so()
    {
        var run = Run(Server(), "none", limit: 5, users: 2, tasks: 1, table: NewTable());

        var error = Assert.ThrowsAny<Exception>(() => _scenario.CreateTask(TaskOf(run, 0, 0)));

        Assert.Contains(run.Settings.Values["table"], error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    // ---- against the server ---------------------------------------------------------------------------------

    [Fact]
    public void Before_run_creates_the_table_and_its_trigger_and_a_second_one_starts_afresh()
    {
        var server = Server();
        var table = NewTable();
        var run = Run(server, "none", limit: 5, users: 2, tasks: 2, table: table);

        _scenario.BeforeRun(Loop(run, 0));

        Assert.Equal(1, Scalar(server, $"SELECT count(*) FROM pg_trigger WHERE tgrelid = '{table}'::regclass AND tgname = '{table}_limit'"));
        Assert.Equal(1, Scalar(server, $"SELECT count(*) FROM pg_indexes WHERE tablename = '{table}' AND indexname = '{table}_user_id'"));
        var tasks = CreateTasks(run);
        Assert.Equal(1, tasks[0].RunTask(TaskOf(run, 0, 1)).Written);
        Assert.Equal(1, tasks[1].RunTask(TaskOf(run, 1, 1)).Written);
        Assert.Equal(2, _scenario.AfterTasks(Loop(run, 1)).Value);
        foreach (var task in tasks) task.Dispose();

        _scenario.BeforeRun(Loop(run, 0));

        var outcome = _scenario.AfterTasks(Loop(run, 1));
        Assert.Equal(0, outcome.Value);
        Assert.Equal(1, Scalar(server, $"SELECT count(*) FROM pg_trigger WHERE tgrelid = '{table}'::regclass AND tgname = '{table}_limit'"));
        Assert.Equal(1, Scalar(server, $"SELECT count(*) FROM pg_proc WHERE proname = '{table}_limit'"));
    }

    [Fact]
    public void The_trigger_refuses_the_insert_beyond_the_limit_and_after_tasks_counts_every_user()
    {
        var run = Run(Server(), "none", limit: 3, users: 3, tasks: 1, table: NewTable());
        _scenario.BeforeRun(Loop(run, 0));
        var task = CreateTasks(run)[0];
        _scenario.BeforeTasks(Loop(run, 1));

        var results = Enumerable.Range(0, 5).Select(_ => task.RunTask(TaskOf(run, 0, 1))).ToList();

        Assert.Equal([1L, 1L, 1L, 0L, 0L], results.Select(r => r.Written));
        Assert.All(results, r => Assert.Equal(1, r.Observed));
        Assert.All(results, r => Assert.True(r.ReadUs > 0 && r.ReadUs <= r.WrittenUs, $"read at {r.ReadUs}, written at {r.WrittenUs}"));
        var outcome = _scenario.AfterTasks(Loop(run, 1));
        Assert.Equal(3, outcome.Value);
        Assert.Equal("rows = 3 (most for one user: 3, limit 3)", outcome.Summary);
        Assert.Equal(new Dictionary<string, long> { ["user-1"] = 3, ["user-2"] = 0, ["user-3"] = 0 }, outcome.Counts);

        _scenario.BeforeTasks(Loop(run, 2));

        Assert.Equal(0, _scenario.AfterTasks(Loop(run, 2)).Value);
        Assert.Equal(1, task.RunTask(TaskOf(run, 0, 2)).Written);
    }

    [Fact]
    public void Tasks_spread_over_the_users_round_robin()
    {
        var run = Run(Server(), "none", limit: 5, users: 3, tasks: 7, table: NewTable());
        _scenario.BeforeRun(Loop(run, 0));
        var tasks = CreateTasks(run);
        _scenario.BeforeTasks(Loop(run, 1));

        var observed = tasks.Select((task, i) => task.RunTask(TaskOf(run, i, 1)).Observed).ToList();

        Assert.Equal([1L, 2L, 3L, 1L, 2L, 3L, 1L], observed);
        Assert.Equal(new Dictionary<string, long> { ["user-1"] = 3, ["user-2"] = 2, ["user-3"] = 2 }, _scenario.AfterTasks(Loop(run, 1)).Counts);
    }

    [Fact]
    public void With_advisory_locks_concurrent_inserts_never_exceed_the_limit()
    {
        var run = Run(Server(), Advisory, limit: 5, users: 2, tasks: 40, table: NewTable());
        _scenario.BeforeRun(Loop(run, 0));
        var tasks = CreateTasks(run);

        for (var loop = 1; loop <= 3; loop++)
        {
            var (outcome, results, judgement) = RunLoop(run, tasks, loop);
            output.WriteLine($"loop {loop}: {outcome.Summary}");

            Assert.All(results, r => Assert.Equal(ActionStatus.Completed, r.Status));
            Assert.Equal(new Dictionary<string, long> { ["user-1"] = 5, ["user-2"] = 5 }, outcome.Counts);
            Assert.Empty(judgement.Findings);
            Assert.Empty(judgement.Collisions);
            Assert.Equal(10, judgement.Figures["inserted"]);
            Assert.Equal(30, judgement.Figures["refused"]);
            Assert.Equal(0, judgement.Figures["usersOverLimit"]);
        }
    }

    [Fact]
    public void Without_a_lock_concurrent_inserts_get_past_the_trigger_and_result_ok_names_the_user()
    {
        const int limit = 3;
        const int maxRounds = 20;
        var run = Run(Server(), "none", limit, users: 2, tasks: 60, table: NewTable());
        _scenario.BeforeRun(Loop(run, 0));
        var tasks = CreateTasks(run);

        for (var round = 1; round <= maxRounds; round++)
        {
            var (outcome, results, judgement) = RunLoop(run, tasks, round);
            output.WriteLine($"round {round}: {outcome.Summary}; {judgement.Findings.Count} findings");
            Assert.All(results, r => Assert.Equal(ActionStatus.Completed, r.Status));
            if (judgement.Collisions.Count == 0)
            {
                Assert.Empty(judgement.Findings);
                continue;
            }

            var over = outcome.Counts!.Where(c => c.Value > limit).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
            Assert.NotEmpty(over);
            Assert.Equal(over.Count, judgement.Figures["usersOverLimit"]);
            foreach (var (key, rows) in over)
            {
                var user = int.Parse(key["user-".Length..]);
                var inserting = results.Where(r => r.Written == 1 && r.Observed == user).Select(r => r.TaskId).Order(StringComparer.Ordinal).ToList();
                Assert.Equal(rows, inserting.Count);
                Assert.Contains(judgement.Findings, f => f.StartsWith($"user {user} has {rows} rows, over the limit of {limit} (inserted by {inserting[0]}, "));
                var collision = Assert.Single(judgement.Collisions, c => c.Observed == user);
                Assert.Equal(inserting, collision.Tasks);
                Assert.Equal($"user {user}: {rows} rows, limit {limit}", collision.About);
            }
            output.WriteLine($"the trigger was beaten in round {round}: {string.Join("; ", judgement.Findings)}");
            return;
        }
        Assert.Fail($"in {maxRounds} rounds of 60 concurrent inserts without a lock, no user got past the limit of {limit}");
    }

    [Fact]
    public void An_advisory_lock_held_elsewhere_times_out_without_commit_and_leaves_the_connection_usable()
    {
        var server = Server();
        var run = Run(server, Advisory, limit: 5, users: 1, tasks: 1, table: NewTable(), lockTimeout: TimeSpan.FromMilliseconds(300));
        _scenario.BeforeRun(Loop(run, 0));
        var task = CreateTasks(run)[0];
        using var holder = new NpgsqlConnection(server);
        holder.Open();
        Sql(holder, $"SELECT pg_advisory_lock({RowLimitScenario.AdvisoryLockClass}, 1)");
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<ScenarioException>(() => task.RunTask(TaskOf(run, 0, 1)));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.False(error.MayHaveCommitted);
        Assert.Equal("advisory lock for user 1 not acquired within 0.3 s", error.Message);

        Sql(holder, $"SELECT pg_advisory_unlock({RowLimitScenario.AdvisoryLockClass}, 1)");
        Assert.Equal(1, task.RunTask(TaskOf(run, 0, 1)).Written);
        Assert.Equal(1, _scenario.AfterTasks(Loop(run, 1)).Value);
    }

    [Fact]
    public void A_connection_the_server_dropped_fails_one_attempt_without_commit_and_is_opened_again()
    {
        var server = Server();
        var run = Run(server, "none", limit: 5, users: 1, tasks: 1, table: NewTable());
        _scenario.BeforeRun(Loop(run, 0));
        var task = CreateTasks(run)[0];
        var application = $"actor-runner {RunId} task-000";
        Assert.Equal(1, Scalar(server, $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{application}'"));
        SessionGone(server, application, "the terminated backend");

        var error = Assert.Throws<ScenarioException>(() => task.RunTask(TaskOf(run, 0, 1)));

        Assert.False(error.MayHaveCommitted);
        output.WriteLine(error.Message);
        Assert.Equal(1, task.RunTask(TaskOf(run, 0, 1)).Written);
        Assert.Equal(1, _scenario.AfterTasks(Loop(run, 1)).Value);
    }

    [Fact]
    public void Dispose_closes_the_task_connection()
    {
        var server = Server();
        var run = Run(server, "none", limit: 5, users: 1, tasks: 1, table: NewTable());
        _scenario.BeforeRun(Loop(run, 0));
        var task = CreateTasks(run)[0];
        var application = $"actor-runner {RunId} task-000";
        var sessions = $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{application}'";
        Assert.Equal(1, Scalar(server, sessions));

        task.Dispose();

        SessionGone(server, application, "the task's session after Dispose");
    }

    /// <summary>Waits (10 s at most) until the server has no session of this application name.</summary>
    private static void SessionGone(string server, string application, string what)
    {
        var clock = Stopwatch.StartNew();
        while (Scalar(server, $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{application}'") > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{what} is still there after 10 s");
            Thread.Sleep(20);
        }
    }

    // ---- the judgement ---------------------------------------------------------------------------------------

    private static TaskResult Inserted(int task, int user) => new($"task-{task:000}", "node-1", ActionStatus.Completed, user, 1, null);
    private static TaskResult Refused(int task, int user) => new($"task-{task:000}", "node-1", ActionStatus.Completed, user, 0, null);
    private static TaskResult Indeterminate(int task) => new($"task-{task:000}", "node-1", ActionStatus.Indeterminate, 0, 0, "connection lost during COMMIT");
    private static TaskResult Failed(int task) => new($"task-{task:000}", "node-1", ActionStatus.Failed, 0, 0, "advisory lock for user 1 not acquired within 10 s");

    private ScenarioJudgement Judge(int limit, IReadOnlyDictionary<string, long> counts, params TaskResult[] results)
    {
        var run = Run(Unreachable, "none", limit, users: counts.Count, tasks: results.Length);
        var outcome = new ScenarioOutcome("hand-made", counts.Values.Sum(), counts);
        return _scenario.ResultOk(Loop(run, 1), outcome, results);
    }

    [Fact]
    public void A_loop_within_the_limit_holds_with_its_figures()
    {
        var judgement = Judge(2, new Dictionary<string, long> { ["user-1"] = 2, ["user-2"] = 1 },
            Inserted(0, 1), Inserted(1, 2), Inserted(2, 1), Refused(3, 1), Failed(4));

        Assert.Empty(judgement.Findings);
        Assert.Empty(judgement.Collisions);
        Assert.Equal(3, judgement.Figures["inserted"]);
        Assert.Equal(1, judgement.Figures["refused"]);
        Assert.Equal(0, judgement.Figures["usersOverLimit"]);
    }

    [Fact]
    public void A_user_over_the_limit_is_a_finding_and_a_collision_naming_the_inserting_tasks()
    {
        var results = Enumerable.Range(0, 13).Select(i => Inserted(i, 1)).Append(Inserted(13, 2)).Append(Refused(14, 2)).ToArray();

        var judgement = Judge(5, new Dictionary<string, long> { ["user-1"] = 13, ["user-2"] = 1 }, results);

        var finding = Assert.Single(judgement.Findings);
        Assert.Equal("user 1 has 13 rows, over the limit of 5 (inserted by task-000, task-001, task-002, task-003, task-004, "
                     + "task-005, task-006, task-007, task-008, task-009 and 3 more)", finding);
        var collision = Assert.Single(judgement.Collisions);
        Assert.Equal(1, collision.Observed);
        Assert.Equal(Enumerable.Range(0, 13).Select(i => $"task-{i:000}"), collision.Tasks);
        Assert.Equal("user 1: 13 rows, limit 5", collision.About);
        Assert.Equal(1, judgement.Figures["usersOverLimit"]);
        Assert.Equal(14, judgement.Figures["inserted"]);
        Assert.Equal(1, judgement.Figures["refused"]);
    }

    [Fact]
    public void Every_user_over_the_limit_is_named()
    {
        var judgement = Judge(1, new Dictionary<string, long> { ["user-1"] = 2, ["user-2"] = 1, ["user-3"] = 3 },
            Inserted(5, 1), Inserted(1, 1), Inserted(2, 2), Inserted(3, 3), Inserted(4, 3), Inserted(0, 3));

        Assert.Equal(
            ["user 1 has 2 rows, over the limit of 1 (inserted by task-001, task-005)",
             "user 3 has 3 rows, over the limit of 1 (inserted by task-000, task-003, task-004)"],
            judgement.Findings);
        Assert.Equal([1L, 3L], judgement.Collisions.Select(c => c.Observed));
        Assert.Equal(2, judgement.Figures["usersOverLimit"]);
    }

    [Fact]
    public void Fewer_rows_than_acknowledged_inserts_are_lost_inserts()
    {
        var judgement = Judge(5, new Dictionary<string, long> { ["user-1"] = 2, ["user-2"] = 1 },
            Inserted(0, 1), Inserted(1, 1), Inserted(2, 1), Inserted(3, 2), Inserted(4, 2));

        Assert.Equal(["the table has 3 rows, below the 5 acknowledged inserts: 2 lost inserts"], judgement.Findings);
        Assert.Empty(judgement.Collisions);
        Assert.Equal(2, judgement.Figures["lostInserts"]);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(4, true)]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void Indeterminate_tasks_widen_the_rows_allowed_above_the_acknowledged_inserts(int rows, bool holds)
    {
        var judgement = Judge(10, new Dictionary<string, long> { ["user-1"] = rows },
            Inserted(0, 1), Inserted(1, 1), Inserted(2, 1), Indeterminate(3), Indeterminate(4), Failed(5));

        if (holds) Assert.Empty(judgement.Findings);
        else Assert.Equal(["the table has 6 rows, above the 3 acknowledged inserts and 2 indeterminate tasks"], judgement.Findings);
    }

    [Fact]
    public void A_user_over_the_limit_that_no_task_acknowledged_is_still_a_finding()
    {
        var judgement = Judge(1, new Dictionary<string, long> { ["user-1"] = 2 }, Indeterminate(0), Indeterminate(1));

        Assert.Equal(["user 1 has 2 rows, over the limit of 1 (no task acknowledged an insert for it)"], judgement.Findings);
        Assert.Empty(Assert.Single(judgement.Collisions).Tasks);
    }
}
