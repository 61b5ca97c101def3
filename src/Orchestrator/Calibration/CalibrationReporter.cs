using System.Globalization;
using System.Text.Json;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Calibration;

/// <summary>
/// What calibrate shows of its one race-window run: the run's start and its nodes as a run shows them, the loops
/// that were inconclusive (the others are counted, not printed), then the table by width, the resolution and
/// calibration.json in the run folder. Its exit code: 0 with a resolution, 3 without one.
/// </summary>
public sealed class CalibrationReporter(ConsoleReporter console, TextWriter output, IReadOnlyList<int> ladder, int loopsPerWidth) : IRunPresenter
{
    /// <summary>calibration.json, in the run folder.</summary>
    public const string FileName = "calibration.json";

    private readonly List<(int Loop, Verdict Verdict)> _loops = [];
    private RunSettings? _settings;

    public void RunStarting(RunSettings settings, RunContext run, string address)
    {
        _settings = settings;
        console.RunStarting(settings, run, address);
        output.WriteLine($"calibrate: race-window without a lock, widths {string.Join(", ", ladder.Order())} µs, {loopsPerWidth} loops each, " +
                         $"taken in turn ({settings.Loops} loops on the same nodes)");
    }

    public void NodeJoined(string nodeId, double joinMs, int ready, int expected) => console.NodeJoined(nodeId, joinMs, ready, expected);

    public void LoopDone(LoopRecord loop, bool kept, LoopProgress progress)
    {
        lock (_loops) _loops.Add((loop.Loop, loop.Verification.Verdict));
        // Caught or not is the table's business; a loop that could not finish is worth a line of its own.
        if (loop.Verification.Verdict == Verdict.Inconclusive) console.LoopDone(loop, kept: true, progress);
    }

    public void ClockStepped(ClockStep step) => console.ClockStepped(step);

    public void TaskReported(int loop, int reported, int expected) { }

    public void Aborting(string reason) => console.Aborting(reason);

    public int Finished(RunContext run, RunReport report, TimelineData? timeline)
    {
        console.EndProgress();
        CalibrationTable table;
        lock (_loops) table = CalibrationTable.Tally(ladder, loopsPerWidth, _loops);
        var path = Path.Combine(run.RunFolder, FileName);
        var written = true;
        try
        {
            Write(table, run, report, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"actor-runner: cannot write {path}: {e.Message}");
            written = false;
        }
        var lines = Lines(table, report.AbortReason);
        foreach (var line in lines.Take(lines.Count - 1)) output.WriteLine(line);
        output.WriteLine(written ? $"report: {run.ReportPath}; calibration: {path}" : $"report: {run.ReportPath}");
        output.WriteLine(lines[^1]);
        return written && table.ResolutionUs is not null ? (int)ExitCode.Verified : (int)ExitCode.Inconclusive;
    }

    /// <summary>The table, a note on any width that reached 95% below one that did not, and the resolution line (last).</summary>
    public static IReadOnlyList<string> Lines(CalibrationTable table, string? abortReason)
    {
        var lines = new List<string> { "  width µs    loops   caught   fraction" };
        foreach (var row in table.Rows)
        {
            var inconclusive = row.Inconclusive > 0 ? $"   ({row.Inconclusive} inconclusive)" : "";
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{row.WidthUs,10} {row.Loops,8} {row.Caught,8} {row.Fraction,10:0.00}{inconclusive}"));
        }
        if (table.BelowAFailure.Count > 0)
            lines.Add($"note: {string.Join(", ", table.BelowAFailure)} µs reached {CalibrationTable.ThresholdPercent}% though a wider width did not: " +
                      "taken as noise, not as resolution");

        var loops = table.LoopsPerWidth;
        if (table.ResolutionUs is { } resolution)
        {
            var bound = CalibrationTable.FormatSurvivalBound(loops);
            lines.Add($"resolution: {resolution} µs, the narrowest width caught in at least {CalibrationTable.ThresholdPercent}% of {loops} loops " +
                      $"(and every wider one): a race at least {resolution} µs wide survives {loops} verified loops with probability at most " +
                      $"0.05^{loops} = {bound}");
        }
        else if (!table.Complete)
        {
            var ran = table.Rows.Sum(r => r.Loops);
            var planned = table.Rows.Count * loops;
            lines.Add($"resolution: none: the run stopped after {ran} of {planned} loops{(abortReason is null ? "" : $" ({abortReason})")}");
        }
        else
        {
            var widest = table.Rows.Max(r => r.WidthUs);
            lines.Add($"resolution: none: not even {widest} µs was caught in {CalibrationTable.ThresholdPercent}% of {loops} loops; " +
                      "add wider widths (--ladder) or look at what spreads the release");
        }
        return lines;
    }

    private void Write(CalibrationTable table, RunContext run, RunReport report, string path)
    {
        var resolution = table.ResolutionUs;
        var document = new
        {
            schemaVersion = 1,
            runId = run.RunId,
            tasks = _settings?.Tasks ?? report.Settings.Tasks,
            nodes = report.Nodes.Count,
            lockMode = report.Settings.LockMode,
            loopsPerWidth = table.LoopsPerWidth,
            thresholdPercent = CalibrationTable.ThresholdPercent,
            complete = table.Complete,
            rows = table.Rows.Select(r => new { widthUs = r.WidthUs, loops = r.Loops, caught = r.Caught, inconclusive = r.Inconclusive, fraction = Math.Round(r.Fraction, 4) }),
            resolutionUs = resolution,
            survivalBound = resolution is null ? (double?)null : CalibrationTable.SurvivalBound(table.LoopsPerWidth),
            survivalBoundLog10 = resolution is null ? (double?)null : Math.Round(CalibrationTable.SurvivalBoundLog10(table.LoopsPerWidth), 3),
            belowAFailure = table.BelowAFailure,
            report = run.ReportPath,
        };
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, path, overwrite: true);
    }
}
