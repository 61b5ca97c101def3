using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>
/// Scenarios other than the counter, run for real: the sample scenario of samples/SeatBooking loaded from its
/// assembly by the orchestrator and every node, and the built-in postgres-row-limit against a real PostgreSQL
/// server (started by .ci/run; its connection string in ACTOR_RUNNER_POSTGRES).
/// </summary>
public sealed class ScenarioSpecs : IDisposable
{
    private const string Sample = "SeatBooking.BookASeat, SeatBooking";

    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static string SampleAssembly => typeof(ScenarioSpecs).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SampleScenario").Value!;

    private static string Postgres => Environment.GetEnvironmentVariable("ACTOR_RUNNER_POSTGRES") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException("ACTOR_RUNNER_POSTGRES is not set: run the tests with bash .ci/run, or start a server with eval \"$(bash .ci/postgres.sh start)\"");

    /// <summary>The stock server of .ci/postgres.sh: max_connections 100, as a fresh install has it.</summary>
    private static string StockPostgres => Environment.GetEnvironmentVariable("ACTOR_RUNNER_POSTGRES_STOCK") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException("ACTOR_RUNNER_POSTGRES_STOCK is not set: run the tests with bash .ci/run, or start the servers with eval \"$(bash .ci/postgres.sh start)\"");

    [Fact]
    public async Task The_default_hundred_tasks_against_a_stock_server_are_refused_before_anything_starts_naming_the_numbers()
    {
        var result = await _workspace.Run(TimeSpan.FromSeconds(60), "--scenario", "postgres-row-limit",
            "--set", $"postgres.connection-string=\"{StockPostgres}\"");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("actor-runner: postgres-row-limit: PostgreSQL", line);
        Assert.Contains("max_connections 100", line);
        Assert.Contains("the run needs 101 (100 tasks", line);
        Assert.Contains("--tasks", line);
        Assert.Contains("raise max_connections", line);
        Assert.False(Directory.Exists(_workspace.Runs), "a run folder was created for a run that never started");
        Assert.Empty(_workspace.ProcessesStillRunning());
    }

    [Fact]
    public async Task A_run_that_fits_the_stock_server_is_verified_on_it()
    {
        var result = await _workspace.Run("--scenario", "postgres-row-limit", "--lock", "postgres-advisory", "--tasks", "40", "--nodes", "2",
            "--loops", "2", "--set", $"postgres.connection-string=\"{StockPostgres}\"", "--set", "postgres.users=4", "--set", "postgres.limit=5");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All(result.Root.GetProperty("loops").EnumerateArray(), l => Assert.Equal(20, l.GetProperty("counter").GetInt64()));
        _workspace.AssertNothingLeft(result);
    }

    /// <summary>The options of a postgres-row-limit run against the test server.</summary>
    private static string[] RowLimit(string lockMode, int users, int limit) =>
    [
        "--scenario", "postgres-row-limit", "--lock", lockMode, "--set", $"postgres.connection-string=\"{Postgres}\"",
        "--set", $"postgres.users={users}", "--set", $"postgres.limit={limit}",
    ];

    private static Dictionary<string, long> Figures(JsonElement loop) =>
        loop.GetProperty("figures").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

    [Fact]
    public async Task The_sample_scenario_is_loaded_from_its_assembly_and_verified_under_the_file_lock()
    {
        var result = await _workspace.Run("--scenario", Sample, "--scenario-assembly", SampleAssembly,
            "--tasks", "20", "--nodes", "2", "--loops", "2", "--set", "seats.count=15");

        Assert.True(result.ExitCode == 0, result.ToString());
        var root = result.Root;
        Assert.Equal(Sample, root.GetProperty("settings").GetProperty("scenario").GetString());
        Assert.Equal("15", root.GetProperty("settings").GetProperty("scenarioSettings").GetProperty("count").GetString());
        var loops = root.GetProperty("loops").EnumerateArray().ToList();
        Assert.Equal(2, loops.Count);
        foreach (var loop in loops)
        {
            Assert.Equal("verified", loop.GetProperty("verdict").GetString());
            Assert.Equal(15, loop.GetProperty("counter").GetInt64());
            Assert.Equal("seats sold = 15 of 15", loop.GetProperty("outcome").GetString());
            var figures = Figures(loop);
            Assert.Equal(15, figures["sales"]);
            Assert.Equal(5, figures["soldOut"]);
        }
        Assert.Contains("loop 2/2: seats sold = 15 of 15, verified", result.Stdout);
        // The scenario's own log events carry the run and, on the nodes, the node, the task and the loop.
        var nodeEvents = new[] { "node-1", "node-2" }
            .SelectMany(node => File.ReadAllLines(Path.Combine(result.RunFolder!, "logs", node + ".clef")).Select(line => (node, line)))
            .Where(e => e.line.Contains("found the show sold out", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, nodeEvents.Count); // 5 tasks a loop find no seat, in each of 2 loops
        using (var e = JsonDocument.Parse(nodeEvents[0].line))
        {
            Assert.Equal(nodeEvents[0].node, e.RootElement.GetProperty("Node").GetString());
            Assert.Equal(root.GetProperty("runId").GetString(), e.RootElement.GetProperty("RunId").GetString());
            Assert.StartsWith("task-", e.RootElement.GetProperty("Task").GetString());
            Assert.True(e.RootElement.GetProperty("Loop").GetInt32() >= 1);
        }
        _workspace.AssertNothingLeft(result);
    }

    [Theory]
    [InlineData("SeatBooking.NoSuchClass, SeatBooking", "has no type SeatBooking.NoSuchClass")]
    [InlineData("SeatBooking.BookASeat, OtherName", "not OtherName")]
    public async Task A_wrong_scenario_name_is_one_line_exit_2_and_no_run_folder(string name, string expected)
    {
        var result = await _workspace.Run("--scenario", name, "--scenario-assembly", SampleAssembly, "--tasks", "2");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("actor-runner: actor-runner.scenario", line);
        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(_workspace.Runs) && Directory.EnumerateFileSystemEntries(_workspace.Runs).Any());
    }

    [Fact]
    public async Task Row_limit_without_a_lock_is_violated_naming_a_user_over_the_limit()
    {
        // Many tasks a user, released together: the trigger counts committed rows only (READ COMMITTED), so
        // inserts in flight at the same instant all see room under the limit.
        var result = await _workspace.Run([.. RowLimit("none", users: 2, limit: 3),
            "--tasks", "120", "--nodes", "2", "--loops", "5"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var violated = result.Root.GetProperty("loops").EnumerateArray().Last();
        Assert.Equal("violated", violated.GetProperty("verdict").GetString());
        var collision = violated.GetProperty("collisions").EnumerateArray().First();
        var user = collision.GetProperty("observed").GetInt64();
        Assert.InRange(user, 1, 2);
        Assert.True(collision.GetProperty("tasks").GetArrayLength() > 3, collision.ToString());
        Assert.Contains(violated.GetProperty("findings").EnumerateArray(), f => f.GetString()!.StartsWith($"user {user} has "));
        Assert.True(violated.GetProperty("counts").GetProperty($"user-{user}").GetInt64() > 3);
        Assert.Contains($"user {user} has ", result.Stdout);
        _workspace.AssertNothingLeft(result);
    }

    [Fact]
    public async Task Row_limit_with_the_advisory_lock_is_verified_and_counts_the_refused_inserts()
    {
        var result = await _workspace.Run([.. RowLimit("postgres-advisory", users: 3, limit: 4),
            "--tasks", "60", "--nodes", "2", "--loops", "2"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var loop in result.Root.GetProperty("loops").EnumerateArray())
        {
            Assert.Equal("verified", loop.GetProperty("verdict").GetString());
            Assert.Equal(12, loop.GetProperty("counter").GetInt64());
            var figures = Figures(loop);
            Assert.Equal(12, figures["inserted"]);
            Assert.Equal(48, figures["refused"]);
            Assert.Equal(0, figures["usersOverLimit"]);
            foreach (var user in new[] { "user-1", "user-2", "user-3" })
                Assert.Equal(4, loop.GetProperty("counts").GetProperty(user).GetInt64());
        }
        _workspace.AssertNothingLeft(result);
    }

    [Fact]
    public async Task An_unreachable_server_is_one_line_naming_it_and_exit_3()
    {
        var result = await _workspace.Run("--scenario", "postgres-row-limit", "--tasks", "2",
            "--set", "postgres.connection-string=\"Host=127.0.0.1;Port=1;Username=postgres;Timeout=3\"");

        Assert.True(result.ExitCode == 3, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("actor-runner: scenario postgres-row-limit could not prepare the run", line);
        Assert.Contains("127.0.0.1", line);
        Assert.Empty(_workspace.ProcessesStillRunning());
    }

    [Fact]
    public async Task A_node_on_another_machine_loads_the_sample_from_its_own_path()
    {
        // The orchestrator's copy is gone once it has loaded it: the remote node can only use its own.
        var orchestratorCopy = CopySample("orchestrator-machine");
        var nodeCopy = CopySample("node-machine");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--nodes", "0", "--remote-nodes", "1", "--tasks", "12", "--loops", "2",
            "--scenario", Sample, "--scenario-assembly", orchestratorCopy, "--set", "seats.count=10", "--set", $"seats.db=\"{Path.Combine(_workspace.Folder, "seats.db")}\"",
            "--token", "e2e-secret", "--set", "join-timeout=40s"], stdout, stderr);
        var address = await Workspace.AddressFrom(stdout);
        Directory.Delete(Path.GetDirectoryName(orchestratorCopy)!, recursive: true);
        var logs = new StringBuilder();
        using var node = _workspace.StartNode(["--orchestrator", address, "--token", "e2e-secret", "--hostname", "127.0.0.2",
            "--node-id", "host-b", "--scenario-assembly", nodeCopy], logs);

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result + "\nnode:\n" + logs);
        Assert.All(result.Root.GetProperty("loops").EnumerateArray(), l => Assert.Equal("seats sold = 10 of 10", l.GetProperty("outcome").GetString()));
        Assert.Equal("127.0.0.2", result.Root.GetProperty("nodes")[0].GetProperty("host").GetString());
        Assert.True(node.WaitForExit(10_000), "the remote node did not exit after the run");
    }

    [Fact]
    public async Task Nodes_on_other_machines_reach_the_same_server_and_the_advisory_lock_holds_across_them()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--nodes", "0", "--remote-nodes", "2", "--tasks", "40", "--loops", "2",
            .. RowLimit("postgres-advisory", users: 2, limit: 5), "--token", "e2e-secret", "--set", "join-timeout=40s"], stdout, stderr);
        var address = await Workspace.AddressFrom(stdout);
        var logs = new StringBuilder();
        using var a = _workspace.StartNode(["--orchestrator", address, "--token", "e2e-secret", "--hostname", "127.0.0.2", "--node-id", "host-a"], logs);
        using var b = _workspace.StartNode(["--orchestrator", address, "--token", "e2e-secret", "--hostname", "127.0.0.3", "--node-id", "host-b"], logs);

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result + "\nnodes:\n" + logs);
        foreach (var loop in result.Root.GetProperty("loops").EnumerateArray())
        {
            Assert.Equal("verified", loop.GetProperty("verdict").GetString());
            Assert.Equal(10, Figures(loop)["inserted"]);
            Assert.Equal(30, Figures(loop)["refused"]);
        }
        Assert.Equal(["127.0.0.2", "127.0.0.3"], result.Root.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("host").GetString()).Order());
    }

    [Fact]
    public async Task A_node_killed_while_its_inserts_wait_on_the_advisory_lock_is_named_and_the_server_rolls_them_back()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start([.. RowLimit("postgres-advisory", users: 1, limit: 5),
            "--tasks", "4", "--nodes", "2", "--release-delay", "1s", "--lock-timeout", "20s"], stdout, stderr);
        await Workspace.BothNodesReady(stdout, stderr);

        // The test takes user 1's advisory lock first: every task's insert then waits for it inside its transaction.
        await using var blocker = new NpgsqlConnection(Postgres);
        await blocker.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(1380731213, 1)", blocker)) await take.ExecuteNonQueryAsync();
        var runId = Path.GetFileName(Directory.GetDirectories(_workspace.Runs).Single());
        Assert.True(await Processes.Eventually(() => Waiting(runId) == 4, TimeSpan.FromSeconds(20)), $"the tasks never waited on the lock:\n{stdout}\n{stderr}");
        var node2 = Processes.Mentioning(_workspace.Folder).Single(pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains("node-2\0", StringComparison.Ordinal));
        Process.GetProcessById(node2).Kill();
        // The server ends the dead node's sessions, rolling their transactions back; then the survivors go on.
        Assert.True(await Processes.Eventually(() => Waiting(runId) == 2, TimeSpan.FromSeconds(20)), "the killed node's sessions stayed");
        await using (var free = new NpgsqlCommand("SELECT pg_advisory_unlock(1380731213, 1)", blocker)) await free.ExecuteNonQueryAsync();

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(40));

        Assert.True(result.ExitCode == 3, result.ToString());
        var loop = Assert.Single(result.Root.GetProperty("loops").EnumerateArray());
        Assert.Equal("inconclusive", loop.GetProperty("verdict").GetString());
        Assert.Contains(loop.GetProperty("findings").EnumerateArray(), f => f.GetString()!.Contains("node-2"));
        Assert.Equal(2, loop.GetProperty("acknowledged").GetInt32());
        Assert.Equal(2, loop.GetProperty("counter").GetInt64()); // node-1's two inserts; none of node-2's landed
        Assert.Equal(0, Figures(loop)["usersOverLimit"]);
        Assert.Equal(0, Waiting(runId));
        Assert.Empty(_workspace.ProcessesStillRunning());
    }

    /// <summary>The run's task sessions on the server waiting for an advisory lock.</summary>
    private static int Waiting(string runId)
    {
        using var connection = new NpgsqlConnection(Postgres);
        connection.Open();
        using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE $1 AND wait_event = 'advisory'", connection);
        command.Parameters.AddWithValue($"actor-runner {runId} task-%");
        return Convert.ToInt32(command.ExecuteScalar());
    }

    /// <summary>The sample's build output copied to a folder of its own in the workspace; returns the copy's .dll.</summary>
    private string CopySample(string name)
    {
        var folder = Path.Combine(_workspace.Folder, name);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(SampleAssembly)!))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return Path.Combine(folder, Path.GetFileName(SampleAssembly));
    }
}
