using System.Globalization;
using System.Runtime.InteropServices;
using ActorRunner.Scenarios;

namespace StartTimes;

/// <summary>
/// Each task, as its critical action, writes down the instant it started twice: on the machine-wide monotonic clock
/// (clock_gettime(CLOCK_MONOTONIC): one clock for every process of the machine, whatever a process's real-time clock
/// says) and on its node's real-time clock (<see cref="TaskContext.NowUs"/>, the clock the runner's timestamps are
/// in). One line per task and loop, in a file per task under actor-runner.start-times.folder (empty: a start-times
/// folder beside the run's database): <c>loop task node monotonic-ns real-time-us</c>. The real-time reading is the
/// task's "read" instant in the report, so a test can place the task's other instants on the monotonic clock too. Nothing is shared, so every
/// lock mode, none included, verifies.
/// </summary>
public sealed class RecordStart : Scenario
{
    public override string? SettingsSection => "start-times";

    public override IReadOnlyDictionary<string, string> DefaultSettings { get; } = new Dictionary<string, string> { ["folder"] = "" };

    public static string Folder(ScenarioRun run) =>
        run.Settings.GetString("folder") is { Length: > 0 } folder ? Path.GetFullPath(folder) : Path.Combine(Path.GetDirectoryName(run.DbPath)!, "start-times");

    public override void BeforeRun(LoopContext context) => Directory.CreateDirectory(Folder(context.Run));

    public override void BeforeTasks(LoopContext context) { }

    public override IScenarioTask CreateTask(TaskContext context) => new StartTask(Path.Combine(Folder(context.Run), context.TaskId + ".txt"));

    public override ScenarioOutcome AfterTasks(LoopContext context)
    {
        var prefix = context.Loop.ToString(CultureInfo.InvariantCulture) + " ";
        var starts = Directory.EnumerateFiles(Folder(context.Run), "*.txt").Sum(f => File.ReadLines(f).Count(l => l.StartsWith(prefix, StringComparison.Ordinal)));
        return new ScenarioOutcome($"starts recorded = {starts}", starts);
    }

    public override ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results) =>
        new(outcome.Value == results.Count(r => r.Status == ActionStatus.Completed) ? [] : [$"{results.Count} tasks ran but {outcome.Value} starts were recorded"],
            [], new Dictionary<string, long>());

    private sealed class StartTask(string file) : IScenarioTask
    {
        public ActionResult RunTask(TaskContext context)
        {
            var monotonicNs = Monotonic.NowNs();
            var realTimeUs = TaskContext.NowUs();
            File.AppendAllText(file, string.Create(CultureInfo.InvariantCulture, $"{context.Loop} {context.TaskId} {context.NodeId} {monotonicNs} {realTimeUs}\n"));
            return new ActionResult(0, 1, realTimeUs, TaskContext.NowUs());
        }

        public void Dispose() { }
    }
}

/// <summary>CLOCK_MONOTONIC through libc: the same clock in every process of the machine.</summary>
internal static partial class Monotonic
{
    private const int ClockMonotonic = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static long NowNs()
    {
        if (ClockGetTime(ClockMonotonic, out var time) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_MONOTONIC) failed");
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }
}
