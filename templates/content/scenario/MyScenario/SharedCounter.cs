using ActorRunner.Scenarios;
using Microsoft.Extensions.Logging;

namespace MyScenario;

/// <summary>
/// The critical section to test; replace it with your own. Here: a counter in a file. Every task reads it, adds
/// one and writes it back, the read-modify-write that loses updates when nothing excludes the tasks (the value is
/// written in place, fixed width, so a read never sees a half-written file).
/// Verdict: no two tasks read the same value, and the counter ends at the number of tasks.
/// </summary>
public sealed class SharedCounter : Scenario
{
    private const int Width = 19;

    /// <summary>The counter's file: beside the run's database, in the run folder.</summary>
    public static string CounterPath(ScenarioRun run) => Path.Combine(Path.GetDirectoryName(run.DbPath)!, "shared-counter.txt");

    public override void BeforeTasks(LoopContext context) => File.WriteAllText(CounterPath(context.Run), 0L.ToString($"D{Width}"));

    public override IScenarioTask CreateTask(TaskContext context) => new Increment(CounterPath(context.Run));

    private sealed class Increment(string path) : IScenarioTask
    {
        public ActionResult RunTask(TaskContext context)
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            var read = Read(file);
            var readUs = TaskContext.NowUs();
            RandomAccess.Write(file, System.Text.Encoding.ASCII.GetBytes((read + 1).ToString($"D{Width}")), 0);
            return new ActionResult(read, read + 1, readUs, TaskContext.NowUs());
        }

        public void Dispose() { }
    }

    private static long Read(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        var bytes = new byte[Width];
        var count = RandomAccess.Read(file, bytes, 0);
        var text = System.Text.Encoding.ASCII.GetString(bytes, 0, count);
        return long.TryParse(text, out var value) ? value : throw new ScenarioException($"the counter file holds '{text}'", mayHaveCommitted: false);
    }

    public override ScenarioOutcome AfterTasks(LoopContext context)
    {
        using var file = File.OpenHandle(CounterPath(context.Run));
        var value = Read(file);
        return new ScenarioOutcome($"counter = {value}, expected {context.Run.Tasks}", value);
    }

    public override ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results)
    {
        var completed = results.Where(r => r.Status == ActionStatus.Completed).ToList();
        var collisions = completed.GroupBy(r => r.Observed).Where(g => g.Count() > 1).OrderBy(g => g.Key)
            .Select(g => new Collision(g.Key, g.Select(r => r.TaskId).Order(StringComparer.Ordinal).ToList()))
            .ToList();
        var findings = collisions.Select(c => $"value {c.Observed} was read by {c.Tasks.Count} tasks: {string.Join(", ", c.Tasks.Take(10))}").ToList();
        if (findings.Count == 0 && completed.Count == results.Count && outcome.Value != results.Count)
            findings.Add($"counter = {outcome.Value}, expected {results.Count}");
        var lost = collisions.Sum(c => c.Tasks.Count - 1);
        return new ScenarioJudgement(findings, collisions, new Dictionary<string, long> { [RunnerFigures.LostUpdates] = lost });
    }

    public override void AfterResult(LoopContext context, LoopVerdict verdict) =>
        context.Log.LogInformation("Shared counter loop {Loop}: {Verdict}", context.Loop, verdict.Verdict);
}
