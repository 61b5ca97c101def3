using System.Globalization;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios.RaceWindow;

namespace ActorRunner.Orchestrator.Calibration;

/// <summary>One width of the ladder: its loops, those in which the race was caught (violated), those inconclusive.</summary>
public sealed record CalibrationRow(int WidthUs, int Loops, int Caught, int Inconclusive)
{
    /// <summary>Caught / loops (0 with no loop).</summary>
    public double Fraction => Loops == 0 ? 0 : (double)Caught / Loops;

    /// <summary>Caught in at least <see cref="CalibrationTable.ThresholdPercent"/>% of its loops (exactly, in whole numbers).</summary>
    public bool Reaches => Loops > 0 && Caught * 100L >= CalibrationTable.ThresholdPercent * (long)Loops;
}

/// <summary>
/// A calibration's arithmetic: the race-window loops of one run tallied by width, and the resolution they give.
/// The resolution is the narrowest width from which every width of the ladder, it and all wider ones, was caught
/// in at least 95% of its loops; a race at least that wide, caught with probability 0.95 or more in each loop,
/// survives L verified loops with probability at most 0.05^L. A narrower width that reached 95% below a wider one
/// that did not is noise, not resolution: it is named (<see cref="BelowAFailure"/>) and not taken.
/// </summary>
public sealed record CalibrationTable(IReadOnlyList<CalibrationRow> Rows, int LoopsPerWidth)
{
    /// <summary>The share of loops a width must be caught in, in percent.</summary>
    public const int ThresholdPercent = 95;

    /// <summary>Every width ran all its loops (the run was not cut short).</summary>
    public bool Complete => Rows.Count > 0 && Rows.All(r => r.Loops == LoopsPerWidth);

    /// <summary>The resolution in µs, or null: the run was cut short, or the widest width did not reach 95%.</summary>
    public int? ResolutionUs
    {
        get
        {
            if (!Complete) return null;
            int? resolution = null;
            foreach (var row in Rows.OrderByDescending(r => r.WidthUs))
            {
                if (!row.Reaches) break;
                resolution = row.WidthUs;
            }
            return resolution;
        }
    }

    /// <summary>Widths that reached 95% though a wider one did not (so they are not the resolution).</summary>
    public IReadOnlyList<int> BelowAFailure
    {
        get
        {
            var widestFailure = Rows.Where(r => !r.Reaches).Select(r => r.WidthUs).DefaultIfEmpty(-1).Max();
            return Rows.Where(r => r.Reaches && r.WidthUs < widestFailure).Select(r => r.WidthUs).Order().ToList();
        }
    }

    /// <summary>The most a race caught in at least 95% of loops survives this many verified loops: 0.05^loops.</summary>
    public static double SurvivalBound(int loops) => Math.Pow((100 - ThresholdPercent) / 100.0, loops);

    /// <summary>log10 of <see cref="SurvivalBound"/>, which stays exact where the bound itself is below a double's range.</summary>
    public static double SurvivalBoundLog10(int loops) => loops * Math.Log10((100 - ThresholdPercent) / 100.0);

    /// <summary>The bound as a person reads it: 0.05, 0.0025, 1.3e-4, 9.5e-27 (also far below a double's range).</summary>
    public static string FormatSurvivalBound(int loops)
    {
        var log10 = SurvivalBoundLog10(loops);
        if (log10 >= -3) return Math.Pow(10, log10).ToString("0.####", CultureInfo.InvariantCulture);
        var exponent = (int)Math.Floor(log10);
        var mantissa = Math.Round(Math.Pow(10, log10 - exponent), 1);
        if (mantissa >= 10) (mantissa, exponent) = (1, exponent + 1);
        return string.Create(CultureInfo.InvariantCulture, $"{mantissa:0.#}e{exponent}");
    }

    /// <summary>
    /// Tallies the loops of a run whose loops took the ladder's widths in turn (as the race-window scenario does),
    /// one row per width, narrowest first.
    /// </summary>
    /// <param name="ladder">The widths in the order the loops took them.</param>
    /// <param name="loopsPerWidth">The loops each width was to run.</param>
    /// <param name="loops">Each loop that ran: its number (1-based) and verdict.</param>
    public static CalibrationTable Tally(IReadOnlyList<int> ladder, int loopsPerWidth, IEnumerable<(int Loop, Verdict Verdict)> loops)
    {
        var settings = new RaceWindowSettings(ladder);
        var byWidth = ladder.ToDictionary(w => w, _ => (Loops: 0, Caught: 0, Inconclusive: 0));
        foreach (var (loop, verdict) in loops)
        {
            var width = settings.WidthOf(loop);
            var (n, caught, inconclusive) = byWidth[width];
            byWidth[width] = (n + 1, caught + (verdict == Verdict.Violated ? 1 : 0), inconclusive + (verdict == Verdict.Inconclusive ? 1 : 0));
        }
        var rows = byWidth.OrderBy(kv => kv.Key).Select(kv => new CalibrationRow(kv.Key, kv.Value.Loops, kv.Value.Caught, kv.Value.Inconclusive)).ToList();
        return new CalibrationTable(rows, loopsPerWidth);
    }
}
