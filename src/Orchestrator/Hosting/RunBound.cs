using System.Diagnostics;
using ActorRunner.Orchestrator.Configuration;

namespace ActorRunner.Orchestrator.Hosting;

/// <summary>
/// The last guard on a run, far beyond every bound the actors keep added up: the join, each loop's barrier,
/// release, lock and loop timeouts (for every loop, or for the time budget and one loop more), the shutdown.
/// Computed without overflow for any loop count, and waited for in slices no timer refuses.
/// </summary>
public static class RunBound
{
    /// <summary>The longest single wait handed to a timer (Task.Delay takes at most about 49 days).</summary>
    public static readonly TimeSpan LongestSlice = TimeSpan.FromDays(1);

    /// <summary>The bound, or <see cref="TimeSpan.MaxValue"/> when it is beyond what a TimeSpan holds.</summary>
    public static TimeSpan Of(RunSettings settings)
    {
        var perLoop = Seconds(settings.BarrierTimeout, settings.ReleaseDelay, new Releasing.ReleaseLead(settings.ReleaseLead).Most, settings.LockTimeout, settings.LoopTimeout, OrchestratorTimings.RunMargin);
        var loops = settings.Loops > 0 ? settings.Loops * perLoop : double.PositiveInfinity;
        if (settings.Duration > TimeSpan.Zero) loops = Math.Min(loops, settings.Duration.TotalSeconds + perLoop);
        var total = Seconds(settings.JoinLimit, settings.ShutdownTimeout, OrchestratorTimings.RunMargin) + loops;
        return total >= TimeSpan.MaxValue.TotalSeconds - 1 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(total);
    }

    /// <summary>Waits for <paramref name="task"/> at most <paramref name="limit"/>; true when it ended in time.</summary>
    public static async Task<bool> Within(Task task, TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var left = limit == TimeSpan.MaxValue ? LongestSlice : limit - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) return task.IsCompleted;
            if (await Task.WhenAny(task, Task.Delay(left < LongestSlice ? left : LongestSlice)) == task) return true;
        }
    }

    private static double Seconds(params TimeSpan[] spans) => spans.Sum(s => s.TotalSeconds);
}
