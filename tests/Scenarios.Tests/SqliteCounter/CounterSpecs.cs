using Microsoft.Extensions.Logging.Abstractions;
using ActorRunner.Scenarios;
using ActorRunner.Scenarios.SqliteCounter;

namespace ActorRunner.Scenarios.Tests.SqliteCounter;

public sealed class CounterSpecs : IDisposable
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    private readonly string _folder = Directory.CreateTempSubdirectory("counter-specs-").FullName;
    private readonly string _db;
    private readonly CounterState _state;

    public CounterSpecs()
    {
        _db = Path.Combine(_folder, "counter.db");
        _state = new CounterState(_db, BusyTimeout);
    }

    public void Dispose()
    {
        _state.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private CounterTask OpenTask(bool exclusiveTransaction = false)
    {
        var task = new CounterTask(_db, BusyTimeout, exclusiveTransaction);
        task.Open();
        return task;
    }

    /// <summary>This process's open descriptors on the counter's file.</summary>
    private int DescriptorsOnDb() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(fd => fd.LinkTarget == _db);

    [Fact]
    public void The_orchestrators_side_keeps_one_connection_from_loop_to_loop_and_closes_it_when_the_run_is_over()
    {
        var scenario = new CounterScenario();
        var run = new ScenarioRun("run-specs", CounterScenario.Name, 2, 5, new LockInfo("file", BusyTimeout, false), _db,
            new ScenarioSection("actor-runner.sqlite", scenario.DefaultSettings));
        scenario.BeforeRun(new LoopContext(run, 0, NullLogger.Instance));
        var before = DescriptorsOnDb();
        using var task = OpenTask();

        for (var loop = 1; loop <= 5; loop++)
        {
            var context = new LoopContext(run, loop, NullLogger.Instance);
            scenario.BeforeTasks(context);
            task.Act();
            task.Act();
            Assert.Equal(2, scenario.AfterTasks(context).Value);
            // The task's connection and the orchestrator's one, whatever the loop.
            Assert.Equal(before + 1, DescriptorsOnDb());
        }
        Assert.True(before >= 1, "the orchestrator's connection is open once the run is prepared");

        scenario.Dispose();
        Assert.Equal(1, DescriptorsOnDb());
    }

    [Fact]
    public void Prepare_creates_the_database_with_a_counter_at_zero()
    {
        Assert.False(File.Exists(_db));

        _state.Prepare();

        Assert.True(File.Exists(_db));
        Assert.Equal(0, _state.Read());
    }

    [Fact]
    public void Before_prepare_there_is_no_counter_to_read()
    {
        Assert.ThrowsAny<Exception>(() => _state.Read());
    }

    [Fact]
    public void A_task_reads_adds_one_and_writes_it_back()
    {
        _state.Prepare();
        using var task = OpenTask();

        var first = task.Act();
        var second = task.Act();

        Assert.Equal((0L, 1L), (first.Observed, first.Written));
        Assert.Equal((1L, 2L), (second.Observed, second.Written));
        Assert.True(first.ReadUs > 0 && first.ReadUs <= first.WrittenUs, $"read at {first.ReadUs}, written at {first.WrittenUs}");
        Assert.True(first.WrittenUs <= second.ReadUs);
        Assert.Equal(2, _state.Read());
    }

    [Fact]
    public void Before_tasks_resets_the_counter_to_zero()
    {
        _state.Prepare();
        using (var task = OpenTask())
        {
            task.Act();
            task.Act();
            task.Act();
        }
        Assert.Equal(3, _state.Read());

        _state.Reset();

        Assert.Equal(0, _state.Read());
    }

    [Fact]
    public void Preparing_again_keeps_the_counter()
    {
        _state.Prepare();
        using (var task = OpenTask()) task.Act();

        _state.Prepare();

        Assert.Equal(1, _state.Read());
    }

    [Fact]
    public void A_task_that_was_not_opened_refuses_to_act()
    {
        _state.Prepare();
        using var task = new CounterTask(_db, BusyTimeout, exclusiveTransaction: false);

        Assert.Throws<InvalidOperationException>(() => task.Act());
    }

    [Fact]
    public async Task Exclusive_transactions_lose_no_update_between_two_threads()
    {
        const int perTask = 200;
        _state.Prepare();
        using var a = OpenTask(exclusiveTransaction: true);
        using var b = OpenTask(exclusiveTransaction: true);
        using var start = new Barrier(2);

        List<long> Run(CounterTask task)
        {
            var seen = new List<long>(perTask);
            start.SignalAndWait();
            for (var i = 0; i < perTask; i++) seen.Add(task.Act().Observed);
            return seen;
        }

        var threadA = Task.Factory.StartNew(() => Run(a), TaskCreationOptions.LongRunning);
        var threadB = Task.Factory.StartNew(() => Run(b), TaskCreationOptions.LongRunning);
        var seen = await Task.WhenAll(threadA, threadB).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2 * perTask, _state.Read());
        var observed = seen[0].Concat(seen[1]).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 2 * perTask).Select(i => (long)i), observed);
    }

    [Fact]
    public void The_integrity_check_of_a_prepared_database_is_ok()
    {
        _state.Prepare();
        using (var task = OpenTask(exclusiveTransaction: true)) task.Act();

        Assert.Equal("ok", _state.IntegrityCheck());
    }

    [Fact]
    public void The_integrity_check_of_a_damaged_database_is_not_ok()
    {
        _state.Prepare();
        // Overwrite the middle of the file's header page: the check must notice (or fail to open it at all).
        var bytes = File.ReadAllBytes(_db);
        for (var i = 100; i < Math.Min(bytes.Length, 4096); i++) bytes[i] = 0xA5;
        File.WriteAllBytes(_db, bytes);

        string? result = null;
        var error = Record.Exception(() => result = _state.IntegrityCheck());

        Assert.True(error is not null || result != "ok", $"a damaged database checked {result}");
    }
}

/// <summary>The counter through the scenario contract, step by step, as the orchestrator and the nodes call it.</summary>
public sealed class CounterScenarioSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("counter-scenario-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ScenarioRun Run(int tasks, string lockMode) =>
        new("run-1", CounterScenario.Name, tasks, 1, new LockInfo(lockMode, TimeSpan.FromSeconds(5), lockMode == "sqlite"),
            Path.Combine(_folder, "counter.db"), ScenarioSection.Empty);

    [Theory]
    [InlineData("file")]
    [InlineData("sqlite")]
    public void Five_steps_one_after_another_are_verified_with_the_reads_0_to_T_minus_1(string lockMode)
    {
        var scenario = new CounterScenario();
        var run = Run(3, lockMode);
        var loop = new LoopContext(run, 1, NullLogger.Instance);
        scenario.BeforeRun(loop with { Loop = 0 });
        scenario.BeforeTasks(loop);

        var results = new List<TaskResult>();
        for (var i = 0; i < 3; i++)
        {
            var context = new TaskContext(run, "node-1", $"task-{i + 1}", i, 1, NullLogger.Instance);
            using var task = scenario.CreateTask(context);
            var result = task.RunTask(context);
            results.Add(new TaskResult(context.TaskId, "node-1", ActionStatus.Completed, result.Observed, result.Written, null));
        }
        var outcome = scenario.AfterTasks(loop);
        var judgement = scenario.ResultOk(loop, outcome, results);

        Assert.Equal(3, outcome.Value);
        Assert.Equal("counter = 3, expected 3", outcome.Summary);
        Assert.Equal([0L, 1L, 2L], results.Select(r => r.Observed));
        Assert.Empty(judgement.Findings);
        Assert.Equal(0, judgement.LostUpdates);
    }

    [Fact]
    public void Two_tasks_that_read_the_same_value_are_found_by_ResultOk()
    {
        var scenario = new CounterScenario();
        var run = Run(2, "none");
        var loop = new LoopContext(run, 1, NullLogger.Instance);
        var results = new List<TaskResult>
        {
            new("task-1", "node-1", ActionStatus.Completed, 0, 1, null),
            new("task-2", "node-2", ActionStatus.Completed, 0, 1, null),
        };

        var judgement = scenario.ResultOk(loop, new ScenarioOutcome("counter = 1", 1), results);

        Assert.Equal(["task-1", "task-2"], Assert.Single(judgement.Collisions).Tasks);
        Assert.Equal(1, judgement.LostUpdates);
        Assert.Contains(judgement.Findings, f => f.Contains("1 lost updates"));
    }
}
