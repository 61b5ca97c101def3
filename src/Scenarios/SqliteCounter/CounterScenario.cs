namespace ActorRunner.Scenarios.SqliteCounter;

/// <summary>
/// The built-in "sqlite-counter": a one-row SQLite table that every task reads, adds one to and writes back. With T
/// tasks the counter must end at T, and the values the tasks read must be exactly 0..T-1, each once.
/// </summary>
public sealed class CounterScenario : Scenario, IDisposable
{
    public const string Name = "sqlite-counter";

    /// <summary>"sqlite": the read and the write in one BEGIN IMMEDIATE transaction, the store's own exclusion.</summary>
    public override IReadOnlyCollection<string> OwnLockModes { get; } = ["sqlite"];

    /// <summary>
    /// Each task's connection holds the database file open (one descriptor; the rollback journal is opened only by the
    /// one writer of the moment, and closed at its commit); its page cache and statements, well under 128 KiB for
    /// this one-row table (a node measured 183 kB a task in all, its thread's stack included).
    /// </summary>
    public override TaskResources ResourcesPerTask { get; } = new(Descriptors: 1, MemoryBytes: 128 * 1024);

    /// <inheritdoc />
    public override string? SettingsSection => "sqlite";

    /// <summary>
    /// The defaults. <c>synchronous</c>: SQLite's PRAGMA synchronous on every task's connection to the counter (off,
    /// normal, full; see <see cref="CounterDatabase.Open"/>). full, SQLite's own default: each commit waits for the
    /// disk, which is part of the critical section a real program has.
    /// </summary>
    public override IReadOnlyDictionary<string, string> DefaultSettings { get; } = new Dictionary<string, string>
    {
        ["synchronous"] = DefaultSynchronous,
    };

    private const string DefaultSynchronous = "full";

    /// <inheritdoc />
    public override void Validate(ScenarioRun run) => Synchronous(run);

    private static string Synchronous(ScenarioRun run)
    {
        // A run built without the runner's settings (a test of the scenario alone) gets the default.
        var value = (run.Settings.Values.TryGetValue("synchronous", out var given) ? given : DefaultSynchronous).ToLowerInvariant();
        return CounterDatabase.SynchronousLevels.Contains(value)
            ? value
            : throw new ScenarioSettingsException(run.Settings.Name("synchronous"), $"'{value}' is not one of {string.Join(", ", CounterDatabase.SynchronousLevels)}");
    }

    private CounterState? _state;

    // The orchestrator's reset and read are not part of the race: they never wait for the disk. One state a run (its
    // connection kept from loop to loop), made anew should a run name another file.
    private CounterState State(ScenarioRun run)
    {
        if (_state?.Path == run.DbPath) return _state;
        _state?.Dispose();
        return _state = new CounterState(run.DbPath, run.Lock.Timeout, "off");
    }

    /// <summary>Closes the orchestrator's connection to the counter (the run is over).</summary>
    public void Dispose()
    {
        _state?.Dispose();
        _state = null;
    }

    public override void BeforeRun(LoopContext context) => State(context.Run).Prepare();

    public override void BeforeTasks(LoopContext context) => State(context.Run).Reset();

    public override IScenarioTask CreateTask(TaskContext context)
    {
        var task = new CounterTask(context.Run.DbPath, context.Lock.Timeout, exclusiveTransaction: context.Lock.Mode == "sqlite",
            Synchronous(context.Run));
        try
        {
            task.Open();
            return task;
        }
        catch
        {
            task.Dispose();
            throw;
        }
    }

    public override ScenarioOutcome AfterTasks(LoopContext context)
    {
        var counter = State(context.Run).Read();
        return new ScenarioOutcome($"counter = {counter}, expected {context.Run.Tasks}", counter);
    }

    public override ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results) =>
        Judge(context.Run.Tasks, outcome.Value, results);

    /// <summary>The counter's invariant (<see cref="IncrementInvariant"/>).</summary>
    public static ScenarioJudgement Judge(int expected, long counter, IReadOnlyList<TaskResult> results) =>
        IncrementInvariant.Judge("counter", expected, counter, results);
}
