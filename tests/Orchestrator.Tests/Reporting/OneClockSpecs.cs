using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;
using Spectre.Console;

namespace ActorRunner.Orchestrator.Tests.Reporting;

/// <summary>
/// A run whose two nodes' clocks are off by +0.5 s and -0.3 s, as the report, the console, the timeline page's data
/// and the timeline text show it: every figure and instant on the orchestrator's clock. The two tasks of loop 1 truly
/// resume 250 µs apart, then hold the lock 100 µs each, one after the other.
/// </summary>
public sealed class OneClockSpecs
{
    private const long RunStart = 1_700_000_000_000_000;
    private const long T = RunStart + 2_000_000;
    private static readonly NodeClock Ahead = new(-500_000, 300);
    private static readonly NodeClock Behind = new(300_000, 700);

    private static TaskReport Report(string task, string node, NodeClock clock, long releasedUs, long acquiredUs)
    {
        long N(long us) => us - clock.OffsetUs;
        return new TaskReport(1, task, node, TaskOutcome.Committed, task == "task-1" ? 0 : 1, task == "task-1" ? 1 : 2,
            new TaskPhases(N(T - 5000), N(releasedUs), N(releasedUs), N(acquiredUs), N(acquiredUs + 10), N(acquiredUs + 20), N(acquiredUs + 100),
                N(T - 6000), N(T - 3000), N(releasedUs)), TaskFailure.None, null);
    }

    internal static RunOutcome Outcome()
    {
        var reports = new List<TaskReport>
        {
            Report("task-1", "node-a", Ahead, T, T + 300),
            Report("task-2", "node-b", Behind, T + 250, T + 400),
        };
        var clocks = new Dictionary<string, NodeClock> { ["node-a"] = Ahead, ["node-b"] = Behind };
        var verification = LoopVerifier.Verify(2, LoopVerifier.Results(reports, []), new ScenarioOutcome("counter = 2, expected 2", 2),
            new ScenarioJudgement([], [], new Dictionary<string, long>()));
        var loop = new LoopRecord(1, 1, verification, LoopTimings.From(reports, clocks), 10, T, reports, clocks);
        var nodes = new List<NodeRecord>
        {
            new("node-a", 11, "10.0.0.2", ["task-1"], 100, false, 0, null, Ahead.OffsetUs, Ahead.UncertaintyUs),
            new("node-b", 12, "10.0.0.3", ["task-2"], 100, false, 0, null, Behind.OffsetUs, Behind.UncertaintyUs),
        };
        var book = new Orchestrator.Books.LoopBook();
        book.Add(loop, []);
        return new RunOutcome(Verdict.Verified, nodes, [loop], null, false, 100, [], book.Summary(TimeSpan.FromMilliseconds(10)), Orchestrator.Books.StoppedBy.Loops,
            [new ClockStep("node-b", 1, -2.5, 1.0)]);
    }

    internal static (RunSettings Settings, RunContext Run) Settings() =>
        (SettingsLoader.Load([]).Settings with { Tasks = 2, Nodes = 0, RemoteNodes = 2, Loops = 1 },
            new RunContext("run-1", "", "/nonexistent", "/nonexistent/db", "/nonexistent/lock", "/nonexistent/report.json", "/nonexistent/logs", RunStart));

    [Fact]
    public void The_report_gives_the_true_spread_and_rate_and_names_the_step()
    {
        var (settings, run) = Settings();

        var report = RunReport.From(run, settings, Outcome(), ExitCode.Verified, 1000);

        var loop = Assert.Single(report.Loops);
        Assert.Equal(0.25, loop.ReleaseSpreadMs.Max);
        Assert.Equal(0.25, loop.FirstResumeSpreadMs);
        // Two critical sections from T+300 to T+500.
        Assert.Equal(10_000, loop.CriticalSectionsPerSecond);
        var step = Assert.Single(report.ClockSteps);
        Assert.Equal(("node-b", 1, -2.5), (step.Node, step.Loop, step.StepMs));
    }

    [Fact]
    public void The_console_prints_the_true_spread_and_the_step()
    {
        var (settings, run) = Settings();
        var output = new StringWriter();
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        ansi.Profile.Width = 4096;
        var console = new ConsoleReporter(ansi);
        var outcome = Outcome();

        console.RunStarting(settings, run, "akka.tcp://actor-runner@10.0.0.1:4053");
        console.LoopDone(outcome.Loops[0], kept: true, new LoopProgress(1, 1, 0, 0, TimeSpan.FromMilliseconds(10)));
        console.ClockStepped(outcome.Steps[0]);

        var text = output.ToString();
        Assert.Contains("(release spread 0.25 ms, first per node 0.25 ms, 10000 increments/s)", text);
        Assert.Contains("clock of node-b stepped by -2.5 ms (+/- 1 ms) before loop 1", text);
    }

    [Fact]
    public void The_timeline_page_and_text_put_both_nodes_on_the_orchestrator_clock()
    {
        var data = TimelineBuilder.Build("run-1", RunStart, Outcome());

        var summary = Assert.Single(data.Loops);
        Assert.Equal(0.25, summary.ReleaseSpreadMs, 9);
        Assert.Equal(10_000, summary.CriticalSectionsPerSecond, 6);
        long At(string task, string e) => data.Events.Single(x => x.Task == task && x.Event == e).TimeUs;
        Assert.Equal(2_000_000, At("task-1", "released"));
        Assert.Equal(2_000_250, At("task-2", "released"));
        Assert.Equal(2_000_300, At("task-1", "lock-acquired"));
        Assert.Equal(2_000_400, At("task-1", "lock-released"));
        Assert.Equal(2_000_400, At("task-2", "lock-acquired"));

        var lines = TimelineText.Render(data.Events, 1, null);
        Assert.Contains(lines, l => l.StartsWith("  2000.000 ms  loop 1  node-a  task-1  released", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  2000.250 ms  loop 1  node-b  task-2  released", StringComparison.Ordinal));
        // Both tasks parked at the same true instant: their lanes start in the same column.
        var drawing = TimelineText.Compact(data, 1);
        Assert.Equal(drawing[0].IndexOf('-'), drawing[1].IndexOf('-'));
        Assert.True(drawing[0].IndexOf('-') >= 0);
    }
}
