using ActorRunner.Scenarios;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace MyScenario.Tests;

/// <summary>
/// The scenario's steps, driven in this process one task after another, as the runner drives them (without the
/// simultaneity: that is what actor-runner is for). A quick check of the verdict logic before a real run.
/// </summary>
public sealed class SharedCounterSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("my-scenario-").FullName;

    private ScenarioRun Run(int tasks) => new("test-run", "MyScenario.SharedCounter, MyScenario", tasks, 1,
        new LockInfo("file", TimeSpan.FromSeconds(10), AppliedByScenario: false), Path.Combine(_folder, "counter.db"), ScenarioSection.Empty);

    [Fact]
    public void Tasks_one_after_the_other_hold_and_two_reads_of_one_value_do_not()
    {
        var scenario = new SharedCounter();
        var run = Run(tasks: 3);
        var loop = new LoopContext(run, 1, NullLogger.Instance);
        scenario.BeforeRun(loop);
        scenario.BeforeTasks(loop);

        var results = new List<TaskResult>();
        for (var i = 0; i < run.Tasks; i++)
        {
            var context = new TaskContext(run, "node-1", $"task-{i + 1}", i, 1, NullLogger.Instance);
            using var task = scenario.CreateTask(context);
            var result = task.RunTask(context);
            results.Add(new TaskResult(context.TaskId, context.NodeId, ActionStatus.Completed, result.Observed, result.Written, null));
        }
        var outcome = scenario.AfterTasks(loop);
        Assert.Equal(3, outcome.Value);
        Assert.Empty(scenario.ResultOk(loop, outcome, results).Findings);

        // Two tasks that read the same value: a lost update, named.
        results[1] = results[1] with { Observed = 0, Written = 1 };
        var judgement = scenario.ResultOk(loop, outcome with { Value = 2 }, results);
        Assert.Equal(["task-1", "task-2"], Assert.Single(judgement.Collisions).Tasks);
        Assert.Equal(1, judgement.LostUpdates);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
