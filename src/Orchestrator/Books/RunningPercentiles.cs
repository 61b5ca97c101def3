using ActorRunner.Orchestrator.Reporting;

namespace ActorRunner.Orchestrator.Books;

/// <summary>
/// Percentiles of a stream of non-negative figures in a fixed amount of memory: counts in buckets whose bounds
/// grow by <see cref="Growth"/> (1%), so a percentile is exact to within 1% of its value; the count, mean, least
/// and greatest are exact. Values below <see cref="Floor"/> (0.1 µs in ms) count as the floor.
/// </summary>
public sealed class RunningPercentiles
{
    public const double Floor = 1e-4;
    public const double Ceiling = 1e8;
    public const double Growth = 1.01;

    private static readonly int BucketCount = (int)Math.Ceiling(Math.Log(Ceiling / Floor) / Math.Log(Growth)) + 1;

    private readonly long[] _buckets = new long[BucketCount];
    private double _sum;

    public long Count { get; private set; }
    public double Min { get; private set; }
    public double Max { get; private set; }
    public double Mean => Count == 0 ? 0 : _sum / Count;

    public void Add(double value)
    {
        if (double.IsNaN(value) || value < 0) value = 0;
        value = Math.Min(value, Ceiling);
        _buckets[Bucket(value)]++;
        _sum += value;
        Min = Count == 0 ? value : Math.Min(Min, value);
        Max = Count == 0 ? value : Math.Max(Max, value);
        Count++;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1): the middle of its bucket, within the exact least and greatest.</summary>
    public double At(double q)
    {
        if (Count == 0) return 0;
        var rank = (long)Math.Ceiling(Math.Clamp(q, 0, 1) * Count);
        if (rank < 1) rank = 1;
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen < rank) continue;
            // The floor's bucket holds what is below 0.1 µs: the least value stands for it.
            return i == 0 ? Min : Math.Clamp(Floor * Math.Pow(Growth, i - 0.5), Min, Max);
        }
        return Max;
    }

    /// <summary>p50, p99 and max, as a loop's figures are given.</summary>
    public Percentiles Summary() => Count == 0 ? Percentiles.Empty : new Percentiles(At(0.5), At(0.99), Max);

    private static int Bucket(double value) =>
        value <= Floor ? 0 : Math.Min(BucketCount - 1, (int)Math.Ceiling(Math.Log(value / Floor) / Math.Log(Growth)));
}
