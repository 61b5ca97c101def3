namespace ActorRunner.Orchestrator.Reporting;

/// <summary>p50, p99 and max of a set of durations in milliseconds.</summary>
public sealed record Percentiles(double P50, double P99, double Max)
{
    public static readonly Percentiles Empty = new(0, 0, 0);

    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? Empty : new Percentiles(At(sorted, 0.5), At(sorted, 0.99), sorted[^1]);
    }

    /// <summary>Linear interpolation between the closest ranks.</summary>
    public static double At(double[] sorted, double q)
    {
        var k = (sorted.Length - 1) * q;
        var low = (int)Math.Floor(k);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (k - low);
    }
}
