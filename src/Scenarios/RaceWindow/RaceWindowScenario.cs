using Microsoft.Extensions.Logging;

namespace ActorRunner.Scenarios.RaceWindow;

/// <summary>
/// The built-in "race-window": a race of known width that needs no database, so it measures the runner alone.
/// Every task reads one value shared by the node processes of a machine (8 bytes in a memory-mapped file beside
/// the database path, in the run folder by default), busy-waits <c>us</c> µs, then writes the value read plus one.
/// Two tasks whose windows overlap read the same value: a lost update, judged as the counter is
/// (<see cref="IncrementInvariant"/>). With <c>ladder</c> set, the loops take its widths in turn (calibrate).
/// </summary>
public sealed class RaceWindowScenario : Scenario
{
    /// <summary>The scenario's name.</summary>
    public const string Name = "race-window";

    /// <summary>The figure with the loop's window in µs.</summary>
    public const string WidthFigure = "widthUs";

    /// <summary>The file that holds the value, in the folder of the database path.</summary>
    public const string FileName = "race-window.value";

    /// <inheritdoc />
    public override string? SettingsSection => "race-window";

    /// <summary>The defaults: a 10 µs window, no ladder.</summary>
    public override IReadOnlyDictionary<string, string> DefaultSettings { get; } = new Dictionary<string, string>
    {
        ["us"] = "10",
        ["ladder"] = "",
    };

    /// <inheritdoc />
    public override string? OnlyOnOneMachine =>
        "its value is a memory-mapped file shared by the node processes of one machine; there is no window between machines";

    /// <summary>The shared value's file for this run.</summary>
    public static string ValuePath(ScenarioRun run) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(run.DbPath))!, FileName);

    private static RaceWindowSettings Settings(ScenarioRun run) => RaceWindowSettings.From(run.Settings);

    /// <inheritdoc />
    public override void Validate(ScenarioRun run) => Settings(run);

    /// <summary>Creates the file holding the value 0.</summary>
    public override void BeforeRun(LoopContext context)
    {
        var path = ValuePath(context.Run);
        SharedValue.Create(path);
        context.Log.LogInformation("Created the shared value {Path}: windows of {WidthsUs} us, lock mode {LockMode}",
            path, string.Join(",", Settings(context.Run).Widths), context.Lock.Mode);
    }

    /// <summary>Puts the value back to 0.</summary>
    public override void BeforeTasks(LoopContext context)
    {
        using var value = SharedValue.Open(ValuePath(context.Run));
        value.Write(0);
        context.Log.LogDebug("Reset the shared value for loop {Loop}, window {WidthUs} us", context.Loop, Settings(context.Run).WidthOf(context.Loop));
    }

    /// <summary>Each task maps the value's file: the mapping keeps one descriptor and one memory map.</summary>
    public override TaskResources ResourcesPerTask { get; } = new(Descriptors: 1, MemoryBytes: 16 * 1024, Maps: 1);

    /// <summary>Maps the value for the task (the file the orchestrator created).</summary>
    public override IScenarioTask CreateTask(TaskContext context)
    {
        var value = SharedValue.Open(ValuePath(context.Run));
        return new RaceWindowTask(value, Settings(context.Run));
    }

    /// <summary>The value after the loop.</summary>
    public override ScenarioOutcome AfterTasks(LoopContext context)
    {
        using var value = SharedValue.Open(ValuePath(context.Run));
        var read = value.Read();
        return new ScenarioOutcome($"value = {read}, expected {context.Run.Tasks} (window {Settings(context.Run).WidthOf(context.Loop)} µs)", read);
    }

    /// <summary>The counter's invariant over the shared value, with the loop's width as a figure.</summary>
    public override ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results)
    {
        var judgement = IncrementInvariant.Judge("value", context.Run.Tasks, outcome.Value, results);
        var figures = new Dictionary<string, long>(judgement.Figures) { [WidthFigure] = Settings(context.Run).WidthOf(context.Loop) };
        return judgement with { Figures = figures };
    }
}
