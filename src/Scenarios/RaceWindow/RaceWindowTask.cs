using System.Diagnostics;

namespace ActorRunner.Scenarios.RaceWindow;

/// <summary>
/// One task's side of the race window: read the shared value, busy-wait the loop's width on the monotonic clock (no
/// sleep: the window is open for at least its width, and a thread put off the core only widens it), write the value
/// read plus one.
/// </summary>
public sealed class RaceWindowTask(SharedValue value, RaceWindowSettings settings) : IScenarioTask
{
    private readonly long[] _ticks = settings.Widths.Select(Ticks).ToArray();

    /// <summary>A width in µs as Stopwatch ticks, rounded up.</summary>
    public static long Ticks(int widthUs) => (long)Math.Ceiling(widthUs * (double)Stopwatch.Frequency / 1_000_000);

    public ActionResult RunTask(TaskContext context)
    {
        var ticks = _ticks[settings.StepOf(context.Loop)];
        var observed = value.Read();
        var opened = Stopwatch.GetTimestamp();
        var readUs = TaskContext.NowUs();
        while (Stopwatch.GetTimestamp() - opened < ticks)
        {
            // The window: nothing but the clock.
        }
        var written = observed + 1;
        value.Write(written);
        return new ActionResult(observed, written, readUs, TaskContext.NowUs());
    }

    public void Dispose() => value.Dispose();
}
