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

    /// <summary>The counter's invariant (<see cref="IncrementInvariant"/>).</summary>
    public static ScenarioJudgement Judge(int expected, long counter, IReadOnlyList<TaskResult> results) =>
        IncrementInvariant.Judge("counter", expected, counter, results);
}
