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

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CounterTask OpenTask(bool exclusiveTransaction = false)
    {
        var task = new CounterTask(_db, BusyTimeout, exclusiveTransaction);
        task.Open();
        return task;
    }

    [Fact]
    public void Prepare_creates_the_database_with_a_counter_at_zero()
    {
        Assert.False(File.Exists(_db));

        _state.Prepare();

        Assert.True(File.Exists(_db));
        Assert.Equal(0, _state.AfterTasks(1));
    }

    [Fact]
    public void Before_prepare_there_is_no_counter_to_read()
    {
        Assert.ThrowsAny<Exception>(() => _state.AfterTasks(1));
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
        Assert.Equal(2, _state.AfterTasks(1));
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
        Assert.Equal(3, _state.AfterTasks(1));

        _state.BeforeTasks(2);

        Assert.Equal(0, _state.AfterTasks(2));
    }

    [Fact]
    public void Preparing_again_keeps_the_counter()
    {
        _state.Prepare();
        using (var task = OpenTask()) task.Act();

        _state.Prepare();

        Assert.Equal(1, _state.AfterTasks(1));
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

        Assert.Equal(2 * perTask, _state.AfterTasks(1));
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
