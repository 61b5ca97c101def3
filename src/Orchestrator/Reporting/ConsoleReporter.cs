using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;
using Spectre.Console;

namespace ActorRunner.Orchestrator.Reporting;

/// <summary>
/// What a person sees: progress, one verdict line per kept loop, a summary. Colour, and a live progress line
/// (<see cref="ProgressLine"/>) drawn over itself, only on a terminal (<paramref name="live"/>); plain lines otherwise.
/// </summary>
public sealed class ConsoleReporter(IAnsiConsole console, bool live = false) : IRunPresenter
{
    /// <summary>Back to the start of the line, and the line erased.</summary>
    private const string EraseLine = "\r\u001b[2K";

    private readonly object _gate = new();
    private readonly System.Diagnostics.Stopwatch _sinceDrawn = System.Diagnostics.Stopwatch.StartNew();
    private RunSettings _settings = null!;
    private Books.LoopPlan _plan = new(1, TimeSpan.Zero);
    private ProgressLine _progress = new(new Books.LoopPlan(1, TimeSpan.Zero));
    private bool _drawn;
    private bool _gone;

    public static ConsoleReporter ForStandardOutput()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        // Plain lines, never wrapped, when the output goes to a file or a pipe.
        if (Console.IsOutputRedirected) console.Profile.Width = 4096;
        return new ConsoleReporter(console, live: !Console.IsOutputRedirected);
    }

    public void RunStarting(RunSettings settings, RunContext run, string address)
    {
        _settings = settings;
        _plan = new Books.LoopPlan(settings.Loops, settings.Duration);
        _progress = new ProgressLine(_plan);
        var layout = settings.RemoteNodes > 0
            ? $"{settings.Nodes} local + {settings.RemoteNodes} remote nodes"
            : $"{settings.Nodes} node processes";
        Line($"ActorRunner run {run.RunId}: {settings.Scenario}, {settings.Tasks} tasks on {layout}, {Loops(settings)}, lock {settings.LockModeName}");
        if (settings.LayoutNote is { } note) Line(note);
        Line($"orchestrator at {address}; run folder {run.RunFolder}");
    }

    public void NodeJoined(string nodeId, double joinMs, int ready, int expected) =>
        Line($"node {nodeId} ready ({ready}/{expected}, registered after {joinMs:0} ms)");

    /// <summary>"3 loop(s)", "any loops for 30 s", "3 loop(s) within 30 s".</summary>
    private static string Loops(RunSettings settings)
    {
        var budget = settings.Duration > TimeSpan.Zero ? $"{Books.Durations.Text(settings.Duration)}" : null;
        return settings.Loops == 0 ? $"loops for {budget}" : budget is null ? $"{settings.Loops} loop(s)" : $"{settings.Loops} loop(s) within {budget}";
    }

    /// <summary>A kept loop's verdict line (the first loops, those not verified, a sample); the others only count.</summary>
    public void LoopDone(LoopRecord loop, bool kept, LoopProgress progress)
    {
        lock (_gate) _progress.LoopDone(progress);
        if (kept) VerdictLine(loop);
        Draw(force: kept);
    }

    public void TaskReported(int loop, int reported, int expected)
    {
        lock (_gate) _progress.TaskReported(loop, reported, expected);
        Draw(force: false);
    }

    private void VerdictLine(LoopRecord loop)
    {
        var v = loop.Verification;
        var colour = v.Verdict switch { Verdict.Verified => "green", Verdict.Violated => "red", _ => "yellow" };
        var extra = v.Verdict != Verdict.Violated ? ""
            : v.LostUpdates > 0 ? $", {v.LostUpdates} lost updates, {v.Collisions.Count} collisions"
            : v.Collisions.Count > 0 ? $", {v.Collisions.Count} collisions" : "";
        var rate = _settings.Scenario == Scenarios.ScenarioCatalog.Default ? "increments/s" : "critical sections/s";
        var text = $"loop {_plan.Of(loop.Loop)}: {v.Outcome.Summary}, {v.Verdict.Name()}{extra} " +
                   $"(release spread {loop.Timings.ReleaseSpreadMs.Max:0.###} ms, first per node {loop.Timings.FirstResumeSpreadMs:0.###} ms, " +
                   $"{loop.Timings.CriticalSectionsPerSecond:0} {rate})";
        Coloured($"[{colour}]{Markup.Escape(text)}[/]");
        foreach (var finding in v.Findings.Take(5)) Line($"  {finding}");
        if (v.Findings.Count > 5) Line($"  ... {v.Findings.Count - 5} more in report.json");
    }

    public void ClockStepped(ClockStep step) => Coloured($"[yellow]{Markup.Escape(step.Describe())}[/]");

    /// <summary>For a small run (20 tasks at most), a text drawing of each of its first three loops.</summary>
    public void CompactTimeline(TimelineData timeline)
    {
        foreach (var loop in timeline.Loops.Take(3))
        {
            var lines = TimelineText.Compact(timeline, loop.Loop);
            if (lines.Count == 0) return;
            Line($"loop {loop.Loop} timeline:");
            foreach (var line in lines) Line("  " + line);
        }
    }

    /// <summary>A small run's timeline drawn, then the summary; the exit code is the run's.</summary>
    public int Finished(RunContext run, RunReport report, TimelineData? timeline)
    {
        if (timeline is not null) CompactTimeline(timeline);
        Summary(report, run.ReportPath);
        return report.ExitCode;
    }

    public void Aborting(string reason) => Coloured($"[yellow]{Markup.Escape($"stopping: {reason}")}[/]");

    public void Summary(RunReport report, string reportPath)
    {
        var colour = report.Verdict switch { "verified" => "green", "violated" => "red", _ => "yellow" };
        var stop = report.StoppedBy switch
        {
            Books.StoppedBy.Duration => $"; the {Books.Durations.Text(report.Settings.Duration)} time budget ended the loops",
            Books.StoppedBy.Interrupted => "; interrupted",
            _ => "",
        };
        var asked = report.Settings.Loops > 0 && report.StoppedBy != Books.StoppedBy.Duration ? report.Settings.Loops : report.LoopsRun;
        var text = $"verdict: {report.Verdict} ({report.Summary.Verified}/{asked} loops verified{stop}) in {report.TotalMs / 1000:0.00} s, exit code {report.ExitCode}";
        Coloured($"[bold {colour}]{Markup.Escape(text)}[/]");
        if (report.Loops.Count > 0 && report.Loops[0].ReleaseSpreadNote is { } note) Line($"note: {note}");
        foreach (var step in report.ClockSteps) Line($"note: {step.Describe()}");
        Line($"report: {reportPath}");
    }

    private void Line(string text) => Write(() =>
    {
        Erase();
        console.WriteLine(text);
    });

    private void Coloured(string markup) => Write(() =>
    {
        Erase();
        console.MarkupLine(markup);
    });

    /// <summary>
    /// A write to the console, under the gate. A console that is gone (the terminal or ssh session closed: SIGHUP,
    /// then EIO on every write) is written to no more: the run still stops in order and writes its report.
    /// </summary>
    private void Write(Action write)
    {
        lock (_gate)
        {
            if (_gone) return;
            try
            {
                write();
            }
            catch (IOException)
            {
                _gone = true;
            }
        }
    }

    /// <summary>On a terminal, the live line drawn again (at most every <see cref="OrchestratorTimings.ProgressRedraw"/> unless forced).</summary>
    private void Draw(bool force)
    {
        if (!live) return;
        Write(() =>
        {
            if (!force && _drawn && _sinceDrawn.Elapsed < OrchestratorTimings.ProgressRedraw) return;
            var text = _progress.Text();
            var width = Math.Max(20, console.Profile.Width - 1);
            if (text.Length > width) text = text[..width];
            var writer = console.Profile.Out.Writer;
            writer.Write(EraseLine);
            console.Markup($"[grey]{Spectre.Console.Markup.Escape(text)}[/]");
            writer.Flush();
            _drawn = true;
            _sinceDrawn.Restart();
        });
    }

    /// <summary>The live line erased, for output written past this reporter.</summary>
    public void EndProgress() => Write(Erase);

    private void Erase()
    {
        if (!_drawn) return;
        console.Profile.Out.Writer.Write(EraseLine);
        _drawn = false;
    }
}
