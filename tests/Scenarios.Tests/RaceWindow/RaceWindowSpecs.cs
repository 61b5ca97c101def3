using System.Diagnostics;
using ActorRunner.Scenarios.RaceWindow;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorRunner.Scenarios.Tests.RaceWindow;

public sealed class RaceWindowSettingsSpecs
{
    private static ScenarioSection Section(string us = "10", string ladder = "") =>
        new("actor-runner.race-window", new Dictionary<string, string> { ["us"] = us, ["ladder"] = ladder });

    [Theory]
    [InlineData("1,3,10", new[] { 1, 3, 10 })]
    [InlineData("30, 1 10", new[] { 30, 1, 10 })]
    [InlineData(" 0 ", new[] { 0 })]
    [InlineData("1000000", new[] { 1_000_000 })]
    public void A_ladder_is_whole_numbers_in_the_order_given(string text, int[] expected) =>
        Assert.Equal(expected, RaceWindowSettings.ParseLadder(text));

    [Theory]
    [InlineData("1,x,10", "'x' is not a whole number")]
    [InlineData("1,-3", "-3 is below the minimum of 0")]
    [InlineData("1,2000000", "above the maximum of 1000000")]
    [InlineData("10,3,10", "10 is given twice")]
    [InlineData(" , ", "has no width")]
    [InlineData("1.5", "'1.5' is not a whole number")]
    public void A_ladder_that_does_not_parse_says_why(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => RaceWindowSettings.ParseLadder(text)).Message);

    [Fact]
    public void Without_a_ladder_every_loop_has_the_width_us()
    {
        var settings = RaceWindowSettings.From(Section(us: "25"));

        Assert.Equal([25], settings.Widths);
        Assert.Equal(25, settings.WidthOf(1));
        Assert.Equal(25, settings.WidthOf(7));
    }

    [Fact]
    public void With_a_ladder_the_loops_take_its_widths_in_turn()
    {
        var settings = RaceWindowSettings.From(Section(ladder: "30,1,10"));

        Assert.Equal([30, 1, 10, 30, 1, 10, 30], Enumerable.Range(1, 7).Select(settings.WidthOf));
        Assert.Equal(30, settings.WidthOf(0)); // set-up, before the first loop
    }

    [Theory]
    [InlineData("-1", "", "actor-runner.race-window.us: -1 is below the minimum of 0")]
    [InlineData("ten", "", "actor-runner.race-window.us: 'ten' is not a whole number")]
    [InlineData("10", "1;3", "actor-runner.race-window.ladder: '1;3': '1;3' is not a whole number")]
    public void A_wrong_setting_names_its_key(string us, string ladder, string expected) =>
        Assert.StartsWith(expected, Assert.Throws<ScenarioSettingsException>(() => RaceWindowSettings.From(Section(us, ladder))).Message);

    [Fact]
    public void A_width_becomes_stopwatch_ticks_rounded_up()
    {
        Assert.Equal(0, RaceWindowTask.Ticks(0));
        Assert.Equal((long)Math.Ceiling(10 * (double)Stopwatch.Frequency / 1_000_000), RaceWindowTask.Ticks(10));
        Assert.Equal(Stopwatch.Frequency, RaceWindowTask.Ticks(1_000_000));
    }
}

public sealed class SharedValueSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("shared-value-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Two_mappings_of_the_file_see_each_others_writes_and_the_file_holds_them()
    {
        var path = Path.Combine(_folder, "value");
        SharedValue.Create(path);
        using var first = SharedValue.Open(path);
        using var second = SharedValue.Open(path);

        Assert.Equal(0, second.Read());
        first.Write(41);
        Assert.Equal(41, second.Read());
        second.Write(long.MaxValue);
        Assert.Equal(long.MaxValue, first.Read());
        Assert.Equal(SharedValue.Size, new FileInfo(path).Length);
    }

    [Fact]
    public void Create_puts_a_file_left_from_before_back_to_0()
    {
        var path = Path.Combine(_folder, "value");
        SharedValue.Create(path);
        using (var value = SharedValue.Open(path)) value.Write(7);

        SharedValue.Create(path);

        using var again = SharedValue.Open(path);
        Assert.Equal(0, again.Read());
    }

    [Fact]
    public void A_missing_or_short_file_is_an_error_naming_it()
    {
        var missing = Path.Combine(_folder, "missing");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => SharedValue.Open(missing)).Message);
        var shortFile = Path.Combine(_folder, "short");
        File.WriteAllBytes(shortFile, [1, 2, 3]);
        Assert.Contains("holds 3 bytes", Assert.Throws<InvalidDataException>(() => SharedValue.Open(shortFile)).Message);
    }
}

/// <summary>The race window through the scenario contract, as the orchestrator and the nodes call it.</summary>
public sealed class RaceWindowScenarioSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("race-window-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ScenarioRun Run(int tasks, string us = "0", string ladder = "") =>
        new("run-1", RaceWindowScenario.Name, tasks, 1, new LockInfo("none", TimeSpan.FromSeconds(5), false),
            Path.Combine(_folder, "counter.db"),
            new ScenarioSection("actor-runner.race-window", new Dictionary<string, string> { ["us"] = us, ["ladder"] = ladder }));

    [Fact]
    public void It_is_built_in_needs_one_machine_and_keeps_its_value_beside_the_database_path()
    {
        var scenario = ScenarioCatalog.Create(RaceWindowScenario.Name, "");

        Assert.IsType<RaceWindowScenario>(scenario);
        Assert.Contains(RaceWindowScenario.Name, ScenarioCatalog.BuiltInNames);
        Assert.Contains("memory-mapped", scenario.OnlyOnOneMachine);
        Assert.Equal(Path.Combine(_folder, "race-window.value"), RaceWindowScenario.ValuePath(Run(1)));
    }

    [Fact]
    public void Tasks_one_after_another_read_0_to_T_minus_1_and_are_verified()
    {
        var scenario = new RaceWindowScenario();
        var run = Run(3, ladder: "0,5");
        scenario.Validate(run);
        scenario.BeforeRun(new LoopContext(run, 0, NullLogger.Instance));
        var loop = new LoopContext(run, 2, NullLogger.Instance);
        using (var leftover = SharedValue.Open(RaceWindowScenario.ValuePath(run))) leftover.Write(99);
        scenario.BeforeTasks(loop);

        var results = new List<TaskResult>();
        for (var i = 0; i < 3; i++)
        {
            var context = new TaskContext(run, "node-1", $"task-{i + 1}", i, 2, NullLogger.Instance);
            using var task = scenario.CreateTask(context);
            var result = task.RunTask(context);
            Assert.True(result.WrittenUs >= result.ReadUs, $"written at {result.WrittenUs}, read at {result.ReadUs}");
            results.Add(new TaskResult(context.TaskId, "node-1", ActionStatus.Completed, result.Observed, result.Written, null));
        }
        var outcome = scenario.AfterTasks(loop);
        var judgement = scenario.ResultOk(loop, outcome, results);

        Assert.Equal([0L, 1L, 2L], results.Select(r => r.Observed));
        Assert.Equal(3, outcome.Value);
        Assert.Equal("value = 3, expected 3 (window 5 µs)", outcome.Summary);
        Assert.Empty(judgement.Findings);
        Assert.Equal(0, judgement.LostUpdates);
        Assert.Equal(5, judgement.Figures[RaceWindowScenario.WidthFigure]);
    }

    [Fact]
    public void Two_tasks_that_read_the_same_value_are_a_lost_update_naming_both()
    {
        var scenario = new RaceWindowScenario();
        var run = Run(2, us: "1000");
        var loop = new LoopContext(run, 1, NullLogger.Instance);
        var results = new List<TaskResult>
        {
            new("task-1", "node-1", ActionStatus.Completed, 0, 1, null),
            new("task-2", "node-2", ActionStatus.Completed, 0, 1, null),
        };

        var judgement = scenario.ResultOk(loop, new ScenarioOutcome("value = 1, expected 2", 1), results);

        Assert.Equal(["task-1", "task-2"], Assert.Single(judgement.Collisions).Tasks);
        Assert.Equal(1, judgement.LostUpdates);
        Assert.Equal(1000, judgement.Figures[RaceWindowScenario.WidthFigure]);
        Assert.Contains(judgement.Findings, f => f == "value 1 is below the 2 acknowledged increments: 1 lost updates");
        Assert.Contains(judgement.Findings, f => f.StartsWith("value 0 was read by 2 tasks that all committed: task-1, task-2"));
    }

    [Fact]
    public void A_task_on_a_machine_without_the_file_fails_to_open_naming_it()
    {
        var run = Run(1);
        var context = new TaskContext(run, "node-1", "task-1", 0, 0, NullLogger.Instance);

        var error = Assert.Throws<FileNotFoundException>(() => new RaceWindowScenario().CreateTask(context));

        Assert.Contains(RaceWindowScenario.ValuePath(run), error.Message);
    }
}
