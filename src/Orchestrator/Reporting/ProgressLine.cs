using System.Diagnostics;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;

namespace ActorRunner.Orchestrator.Reporting;

/// <summary>
/// The live line a person follows on a terminal during a run: loops done and to go (or the time left), the verdicts
/// so far, loops a second, and the tasks of the loop under way that have reported. Plain text; the console reporter
/// draws it over itself.
/// </summary>
public sealed class ProgressLine(LoopPlan plan)
{
    private LoopProgress _progress = new(0, 0, 0, 0, TimeSpan.Zero);
    private long _progressAt = Stopwatch.GetTimestamp();
    private int _loop;
    private int _reported;
    private int _expected;

    public void LoopDone(LoopProgress progress)
    {
        _progress = progress;
        _progressAt = Stopwatch.GetTimestamp();
        _reported = 0;
    }

    public void TaskReported(int loop, int reported, int expected) => (_loop, _reported, _expected) = (loop, reported, expected);

    public string Text()
    {
        var done = _progress.Done;
        var current = Math.Max(_loop, done + 1);
        var parts = new List<string>();
        var loops = plan.Counted
            ? $"loop {current}/{plan.LastLoop}: {done} done, {(long)plan.LastLoop - done} to go"
            : $"loop {current}: {done} done";
        if (plan.Duration > TimeSpan.Zero)
        {
            var left = plan.Duration - _progress.Elapsed - Stopwatch.GetElapsedTime(_progressAt);
            loops += $", {Durations.Text(left > TimeSpan.Zero ? TimeSpan.FromSeconds(Math.Ceiling(left.TotalSeconds)) : TimeSpan.Zero)} left";
        }
        parts.Add(loops);
        parts.Add($"{_progress.Verified} verified, {_progress.Violated} violated, {_progress.Inconclusive} inconclusive");
        if (done > 0) parts.Add($"{_progress.LoopsPerSecond:0.0} loops/s");
        if (_expected > 0 && _loop == current) parts.Add($"tasks reported {_reported}/{_expected}");
        return string.Join(" | ", parts);
    }
}
