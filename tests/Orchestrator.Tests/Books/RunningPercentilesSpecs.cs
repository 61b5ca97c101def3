using ActorRunner.Orchestrator.Books;

namespace ActorRunner.Orchestrator.Tests.Books;

public sealed class RunningPercentilesSpecs
{
    [Fact]
    public void No_values_give_zeros()
    {
        var p = new RunningPercentiles();

        Assert.Equal(0, p.Count);
        Assert.Equal(0, p.At(0.5));
        Assert.Equal(0, p.Summary().Max);
    }

    [Fact]
    public void Percentiles_of_many_values_are_within_one_percent_and_count_mean_and_extremes_are_exact()
    {
        var p = new RunningPercentiles();
        var values = Enumerable.Range(1, 100_000).Select(i => i / 1000.0).ToList(); // 0.001 .. 100 ms
        foreach (var v in values.OrderBy(v => (v * 7919) % 1)) p.Add(v);

        Assert.Equal(100_000, p.Count);
        Assert.Equal(0.001, p.Min, 9);
        Assert.Equal(100, p.Max, 9);
        Assert.Equal(values.Average(), p.Mean, 6);
        Assert.InRange(p.At(0.5), 50 * 0.99, 50 * 1.01);
        Assert.InRange(p.At(0.99), 99 * 0.99, 99 * 1.01);
        Assert.InRange(p.At(0.01), 1 * 0.99, 1 * 1.01);
    }

    [Fact]
    public void A_single_value_is_every_percentile()
    {
        var p = new RunningPercentiles();
        p.Add(3.25);

        Assert.Equal(3.25, p.At(0.5), 9);
        Assert.Equal(3.25, p.At(0.99), 9);
    }

    [Fact]
    public void Zeros_negatives_and_huge_values_are_folded_in_without_error()
    {
        var p = new RunningPercentiles();
        p.Add(0);
        p.Add(-5);
        p.Add(double.NaN);
        p.Add(1e300);

        Assert.Equal(4, p.Count);
        Assert.Equal(0, p.Min);
        Assert.Equal(RunningPercentiles.Ceiling, p.Max);
        Assert.Equal(0, p.At(0.5));
    }
}
