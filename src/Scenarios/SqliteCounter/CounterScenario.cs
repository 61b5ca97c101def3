namespace ActorRunner.Scenarios.SqliteCounter;

/// <summary>
/// The built-in "sqlite-counter": a one-row SQLite table that every task reads, adds one to and writes back. With T
/// tasks the counter must end at T, and the values the tasks read must be exactly 0..T-1, each once.
/// </summary>
public sealed class CounterScenario : Scenario
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

    private static CounterState State(ScenarioRun run) => new(run.DbPath, run.Lock.Timeout);

    public override void BeforeRun(LoopContext context) => State(context.Run).Prepare();

    public override void BeforeTasks(LoopContext context) => State(context.Run).Reset();

    public override IScenarioTask CreateTask(TaskContext context)
    {
        var task = new CounterTask(context.Run.DbPath, context.Lock.Timeout, exclusiveTransaction: context.Lock.Mode == "sqlite");
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

    /// <summary>
    /// The counter's invariant. A task whose write may or may not have landed is indeterminate: the counter must
    /// then lie between the acknowledged increments and those plus the indeterminate ones.
    /// </summary>
    public static ScenarioJudgement Judge(int expected, long counter, IReadOnlyList<TaskResult> results)
    {
        var committed = results.Where(r => r.Status == ActionStatus.Completed).ToList();
        var acknowledged = committed.Count;
        var indeterminate = results.Count(r => r.Status == ActionStatus.Indeterminate);

        var collisions = committed
            .GroupBy(r => r.Observed)
            .Where(g => g.Count() > 1)
            .OrderBy(g => g.Key)
            .Select(g => new Collision(g.Key, g.Select(r => r.TaskId).Order(StringComparer.Ordinal).ToList()))
            .ToList();

        var findings = new List<string>();
        var lost = Math.Max(0, acknowledged - counter);
        if (lost > 0)
            findings.Add($"counter {counter} is below the {acknowledged} acknowledged increments: {lost} lost updates");
        foreach (var c in collisions)
            findings.Add($"value {c.Observed} was read by {c.Tasks.Count} tasks that all committed: {TaskNames.Brief(c.Tasks)}");
        if (counter > acknowledged + indeterminate)
            findings.Add($"counter {counter} is above the {acknowledged} acknowledged and {indeterminate} indeterminate increments");
        var wrongWrites = committed.Where(r => r.Written != r.Observed + 1).ToList();
        if (wrongWrites.Count > 0)
            findings.Add($"{wrongWrites.Count} tasks wrote something other than what they read plus one (first: {wrongWrites[0].TaskId})");
        var ceiling = acknowledged + indeterminate;
        var outOfRange = committed.Where(r => r.Observed < 0 || r.Observed >= ceiling).ToList();
        if (outOfRange.Count > 0)
            findings.Add($"{outOfRange.Count} tasks read a value outside 0..{ceiling - 1} (first: {outOfRange[0].TaskId} read {outOfRange[0].Observed})");
        if (findings.Count == 0 && acknowledged == expected && results.Count == acknowledged && counter != expected)
            findings.Add($"counter {counter} is not the expected {expected}");

        return new ScenarioJudgement(findings, collisions, new Dictionary<string, long> { ["lostUpdates"] = lost });
    }
}
