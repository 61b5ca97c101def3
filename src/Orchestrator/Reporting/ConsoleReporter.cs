using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;
using Spectre.Console;

namespace ActorRunner.Orchestrator.Reporting;

/// <summary>What a person sees: progress, one verdict line per loop, a summary. Colour only on a terminal.</summary>
public sealed class ConsoleReporter(IAnsiConsole console) : IRunPresenter
{
    private RunSettings _settings = null!;

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
        return new ConsoleReporter(console);
    }

    public void RunStarting(RunSettings settings, RunContext run, string address)
    {
        _settings = settings;
        var layout = settings.RemoteNodes > 0
            ? $"{settings.Nodes} local + {settings.RemoteNodes} remote nodes"
            : $"{settings.Nodes} node processes";
        Line($"ActorRunner run {run.RunId}: {settings.Scenario}, {settings.Tasks} tasks on {layout}, {settings.Loops} loop(s), lock {settings.LockModeName}");
        Line($"orchestrator at {address}; run folder {run.RunFolder}");
    }

    public void NodeJoined(string nodeId, double joinMs, int ready, int expected) =>
        Line($"node {nodeId} ready ({ready}/{expected}, registered after {joinMs:0} ms)");

    public void LoopDone(LoopRecord loop)
    {
        var v = loop.Verification;
        var colour = v.Verdict switch { Verdict.Verified => "green", Verdict.Violated => "red", _ => "yellow" };
        var extra = v.Verdict != Verdict.Violated ? ""
            : v.LostUpdates > 0 ? $", {v.LostUpdates} lost updates, {v.Collisions.Count} collisions"
            : v.Collisions.Count > 0 ? $", {v.Collisions.Count} collisions" : "";
        var rate = _settings.Scenario == Scenarios.ScenarioCatalog.Default ? "increments/s" : "critical sections/s";
        var text = $"loop {loop.Loop}/{loop.Loops}: {v.Outcome.Summary}, {v.Verdict.Name()}{extra} " +
                   $"(release spread {loop.Timings.ReleaseSpreadMs.Max:0.###} ms, first per node {loop.Timings.FirstResumeSpreadMs:0.###} ms, " +
                   $"{loop.Timings.CriticalSectionsPerSecond:0} {rate})";
        console.MarkupLine($"[{colour}]{Markup.Escape(text)}[/]");
        foreach (var finding in v.Findings.Take(5)) Line($"  {finding}");
        if (v.Findings.Count > 5) Line($"  ... {v.Findings.Count - 5} more in report.json");
    }

    public void ClockStepped(ClockStep step) => console.MarkupLine($"[yellow]{Markup.Escape(step.Describe())}[/]");

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

    public void Aborting(string reason) => console.MarkupLine($"[yellow]{Markup.Escape($"stopping: {reason}")}[/]");

    public void Summary(RunReport report, string reportPath)
    {
        var verified = report.Loops.Count(l => l.Verdict == "verified");
        var colour = report.Verdict switch { "verified" => "green", "violated" => "red", _ => "yellow" };
        var text = $"verdict: {report.Verdict} ({verified}/{report.Settings.Loops} loops verified) in {report.TotalMs / 1000:0.00} s, exit code {report.ExitCode}";
        console.MarkupLine($"[bold {colour}]{Markup.Escape(text)}[/]");
        if (report.Loops.Count > 0 && report.Loops[0].ReleaseSpreadNote is { } note) Line($"note: {note}");
        foreach (var step in report.ClockSteps) Line($"note: {step.Describe()}");
        Line($"report: {reportPath}");
    }

    private void Line(string text) => console.WriteLine(text);
}
