using ActorRunner.Orchestrator.Reporting;

namespace ActorRunner.Orchestrator.Tests.Reporting;

public sealed class PercentilesSpecs
{
    private const int Precision = 9;

    [Fact]
    public void No_values_give_the_empty_percentiles()
    {
        Assert.Same(Percentiles.Empty, Percentiles.Of([]));
    }

    [Fact]
    public void One_value_is_every_percentile()
    {
        var p = Percentiles.Of([7.5]);

        Assert.Equal(new Percentiles(7.5, 7.5, 7.5), p);
    }

    [Fact]
    public void Four_values_interpolate_between_the_closest_ranks()
    {
        // Ranks 0..3: p50 at rank 1.5 = 2 + 0.5 x (3 - 2); p99 at rank 2.97 = 3 + 0.97 x (4 - 3).
        var p = Percentiles.Of([1, 2, 3, 4]);

        Assert.Equal(2.5, p.P50, Precision);
        Assert.Equal(3.97, p.P99, Precision);
        Assert.Equal(4, p.Max, Precision);
    }

    [Fact]
    public void Unsorted_input_is_sorted_first()
    {
        // Sorted 0, 5, 10: p50 at rank 1 = 5; p99 at rank 1.98 = 5 + 0.98 x 5.
        var p = Percentiles.Of([10, 0, 5]);

        Assert.Equal(5, p.P50, Precision);
        Assert.Equal(9.9, p.P99, Precision);
        Assert.Equal(10, p.Max, Precision);
    }

    [Fact]
    public void A_hundred_and_one_evenly_spaced_values_have_their_percentiles_at_the_ranks()
    {
        var p = Percentiles.Of(Enumerable.Range(0, 101).Select(i => i * 0.5));

        Assert.Equal(25, p.P50, Precision);
        Assert.Equal(49.5, p.P99, Precision);
        Assert.Equal(50, p.Max, Precision);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.25, 1.5)]
    [InlineData(1.0, 3.0)]
    public void At_reads_a_quantile_of_sorted_values(double q, double expected)
    {
        // Ranks 0..2 of 1, 2, 3: q = 0.25 is rank 0.5.
        Assert.Equal(expected, Percentiles.At([1, 2, 3], q), Precision);
    }
}
