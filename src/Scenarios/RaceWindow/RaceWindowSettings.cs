using System.Globalization;

namespace ActorRunner.Scenarios.RaceWindow;

/// <summary>
/// The settings of <c>actor-runner.race-window</c>, checked: the width of the window between a task's read and its
/// write (<c>us</c>), or a ladder of widths that the loops take in turn (<c>ladder</c>, as calibrate runs it).
/// </summary>
public sealed record RaceWindowSettings(IReadOnlyList<int> Widths)
{
    /// <summary>The widest window accepted, in µs (one second).</summary>
    public const int MaxWidthUs = 1_000_000;

    /// <summary>Reads and checks the settings; a wrong one throws <see cref="ScenarioSettingsException"/> naming its key.</summary>
    public static RaceWindowSettings From(ScenarioSection section)
    {
        var us = section.GetInt("us", min: 0, max: MaxWidthUs);
        var ladder = section.GetString("ladder");
        if (ladder.Trim().Length == 0) return new RaceWindowSettings([us]);
        try
        {
            return new RaceWindowSettings(ParseLadder(ladder));
        }
        catch (FormatException e)
        {
            throw new ScenarioSettingsException(section.Name("ladder"), e.Message);
        }
    }

    /// <summary>
    /// Widths in µs separated by commas or spaces ("1,3,10"), each 0..<see cref="MaxWidthUs"/>, none twice, in the
    /// order given. Anything else throws <see cref="FormatException"/> with a message that says what is wrong.
    /// </summary>
    public static IReadOnlyList<int> ParseLadder(string text)
    {
        var parts = text.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new FormatException($"'{text}' has no width; give whole numbers of µs like 1,3,10");
        var widths = new List<int>(parts.Length);
        foreach (var part in parts)
        {
            if (!long.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var width))
                throw new FormatException($"'{text}': '{part}' is not a whole number of µs (give widths like 1,3,10)");
            if (width < 0) throw new FormatException($"'{text}': {width} is below the minimum of 0");
            if (width > MaxWidthUs) throw new FormatException($"'{text}': {width} is above the maximum of {MaxWidthUs}");
            if (widths.Contains((int)width)) throw new FormatException($"'{text}': {width} is given twice");
            widths.Add((int)width);
        }
        return widths;
    }

    /// <summary>The place in <see cref="Widths"/> of loop <paramref name="loop"/> (1-based): the widths taken in turn; loop 0 (set-up) has the first.</summary>
    public int StepOf(int loop) => loop <= 0 ? 0 : (loop - 1) % Widths.Count;

    /// <summary>The window of loop <paramref name="loop"/>, in µs.</summary>
    public int WidthOf(int loop) => Widths[StepOf(loop)];
}
