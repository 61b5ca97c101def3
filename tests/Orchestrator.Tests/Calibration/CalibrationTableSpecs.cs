using ActorRunner.Orchestrator.Calibration;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Tests.Calibration;

public sealed class CalibrationTableSpecs
{
    /// <summary>A complete table of these widths with these catches out of <paramref name="loops"/> each.</summary>
    private static CalibrationTable Table(int loops, params (int Width, int Caught)[] rows) =>
        new(rows.Select(r => new CalibrationRow(r.Width, loops, r.Caught, 0)).ToList(), loops);

    [Fact]
    public void The_loops_are_tallied_by_the_width_they_took_in_turn_narrowest_first()
    {
        // Ladder 30, 1, 10 in that order: loops 1, 4 had 30 µs; 2, 5 had 1 µs; 3, 6 had 10 µs.
        var loops = new[]
        {
            (1, Verdict.Violated), (2, Verdict.Verified), (3, Verdict.Violated),
            (4, Verdict.Violated), (5, Verdict.Inconclusive), (6, Verdict.Verified),
        };

        var table = CalibrationTable.Tally([30, 1, 10], 2, loops);

        Assert.Equal(
            [new CalibrationRow(1, 2, 0, 1), new CalibrationRow(10, 2, 1, 0), new CalibrationRow(30, 2, 2, 0)],
            table.Rows);
        Assert.True(table.Complete);
        Assert.Equal(0.5, table.Rows[1].Fraction);
        Assert.Equal(30, table.ResolutionUs);
    }

    [Theory]
    [InlineData(20, 19, true)]   // exactly 95%
    [InlineData(20, 18, false)]  // 90%
    [InlineData(1, 1, true)]
    [InlineData(1, 0, false)]
    [InlineData(3, 2, false)]    // 66.7%
    [InlineData(100, 95, true)]
    [InlineData(100, 94, false)]
    [InlineData(0, 0, false)]    // no loop ran: nothing reached
    public void A_width_reaches_95_percent_exactly_in_whole_numbers(int loops, int caught, bool reaches) =>
        Assert.Equal(reaches, new CalibrationRow(10, loops, caught, 0).Reaches);

    [Fact]
    public void The_resolution_is_the_narrowest_width_caught_in_95_percent_with_every_wider_one()
    {
        var table = Table(20, (1, 4), (3, 10), (10, 19), (30, 20), (100, 20));

        Assert.Equal(10, table.ResolutionUs);
        Assert.Empty(table.BelowAFailure);
    }

    [Fact]
    public void A_narrow_width_that_reached_95_percent_below_a_wider_failure_is_noise_not_the_resolution()
    {
        var table = Table(20, (1, 20), (3, 12), (10, 20), (30, 19), (100, 20));

        Assert.Equal(10, table.ResolutionUs);
        Assert.Equal([1], table.BelowAFailure);
    }

    [Fact]
    public void When_the_widest_width_misses_there_is_no_resolution_whatever_narrower_ones_did()
    {
        var table = Table(20, (1, 20), (10, 20), (100, 18));

        Assert.Null(table.ResolutionUs);
        Assert.Equal([1, 10], table.BelowAFailure);
    }

    [Fact]
    public void A_run_cut_short_has_no_resolution_even_where_the_loops_that_ran_were_caught()
    {
        var table = new CalibrationTable([new CalibrationRow(1, 5, 5, 0), new CalibrationRow(10, 4, 4, 0)], 5);

        Assert.False(table.Complete);
        Assert.Null(table.ResolutionUs);
        Assert.False(new CalibrationTable([], 5).Complete);
    }

    [Fact]
    public void A_ladder_of_one_width_has_that_width_or_nothing()
    {
        Assert.Equal(1000, Table(3, (1000, 3)).ResolutionUs);
        Assert.Null(Table(3, (1000, 2)).ResolutionUs);
    }

    [Fact]
    public void The_survival_bound_is_0_05_to_the_loops_and_is_written_also_below_a_doubles_range()
    {
        Assert.Equal(0.05, CalibrationTable.SurvivalBound(1), 12);
        Assert.Equal(0.0025, CalibrationTable.SurvivalBound(2), 12);
        Assert.Equal(1, CalibrationTable.SurvivalBound(20) / Math.Pow(0.05, 20), 12);
        Assert.Equal(20 * Math.Log10(0.05), CalibrationTable.SurvivalBoundLog10(20), 9);

        Assert.Equal("0.05", CalibrationTable.FormatSurvivalBound(1));
        Assert.Equal("0.0025", CalibrationTable.FormatSurvivalBound(2));
        Assert.Equal("9.5e-27", CalibrationTable.FormatSurvivalBound(20)); // 9.54e-27
        Assert.Equal("8.9e-66", CalibrationTable.FormatSurvivalBound(50)); // 8.88e-66
        Assert.Equal(0, CalibrationTable.SurvivalBound(1000)); // below a double's range...
        Assert.Equal("9.3e-1302", CalibrationTable.FormatSurvivalBound(1000)); // ...but not in words: 10^(1000 log10 0.05) = 9.33e-1302
    }

    [Fact]
    public void The_last_line_states_the_resolution_and_what_it_means_with_the_users_loop_count()
    {
        var lines = CalibrationReporter.Lines(Table(20, (1, 3), (10, 19), (100, 20)), abortReason: null);

        Assert.Equal("  width µs    loops   caught   fraction", lines[0]);
        Assert.Equal("         1       20        3       0.15", lines[1]);
        Assert.Equal("        10       20       19       0.95", lines[2]);
        Assert.Equal("resolution: 10 µs, the narrowest width caught in at least 95% of 20 loops (and every wider one): " +
                     "a race at least 10 µs wide survives 20 verified loops with probability at most 0.05^20 = 9.5e-27", lines[^1]);
    }

    [Fact]
    public void Without_a_resolution_the_last_line_says_why()
    {
        var none = CalibrationReporter.Lines(Table(20, (1, 20), (100, 18)), abortReason: null);
        Assert.StartsWith("note: 1 µs reached 95% though a wider width did not", none[^2]);
        Assert.StartsWith("resolution: none: not even 100 µs was caught in 95% of 20 loops", none[^1]);

        var cut = CalibrationReporter.Lines(new CalibrationTable([new CalibrationRow(1, 2, 2, 0), new CalibrationRow(10, 1, 1, 0)], 2), "interrupted");
        Assert.Equal("resolution: none: the run stopped after 3 of 4 loops (interrupted)", cut[^1]);
    }
}
