using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;
using Spectre.Console;

namespace ActorRunner.Orchestrator.Tests.Reporting;

public sealed class ConsoleReporterSpecs
{
    private const string Erase = "\r\u001b[2K";

    private static readonly RunSettings Settings = SettingsLoader.Load([]).Settings with { Tasks = 2, Nodes = 2, Loops = 5 };

    private static readonly RunContext Run = new("20261130-120000-ab12", "t", "/tmp/run", "/tmp/run/counter.db", "/tmp/run/counter.lock",
        "/tmp/run/report.json", "/tmp/run/logs", WireClock.NowUs());

    private static (ConsoleReporter Reporter, StringWriter Output) Reporter(bool live)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return (new ConsoleReporter(console, live), output);
    }

    private static LoopRecord Loop(int number) =>
        new(number, 5, new LoopVerification(Verdict.Verified, 2, new ScenarioOutcome("counter = 2, expected 2", 2), 2, 0, [], [], [],
            new Dictionary<string, long>()), new LoopTimings(Percentiles.Empty, Percentiles.Empty, Percentiles.Empty, Percentiles.Empty, 0, 100), 20, 0, []);

    [Fact]
    public void Off_a_terminal_only_plain_lines_are_written_one_for_each_kept_loop()
    {
        var (reporter, output) = Reporter(live: false);
        reporter.RunStarting(Settings, Run, "akka.tcp://actor-runner@127.0.0.1:1");
        reporter.TaskReported(1, 1, 2);
        reporter.LoopDone(Loop(1), kept: true, new LoopProgress(1, 1, 0, 0, TimeSpan.FromSeconds(1)));
        reporter.LoopDone(Loop(2), kept: false, new LoopProgress(2, 2, 0, 0, TimeSpan.FromSeconds(2)));

        var text = output.ToString();
        Assert.DoesNotContain("\u001b", text);
        Assert.DoesNotContain("tasks reported", text);
        Assert.Contains("loop 1/5: counter = 2, expected 2, verified", text);
        Assert.DoesNotContain("loop 2/5", text);
    }

    [Fact]
    public void On_a_terminal_a_live_line_tells_the_loops_the_verdicts_and_the_tasks_reported_and_gives_way_to_verdict_lines()
    {
        var (reporter, output) = Reporter(live: true);
        reporter.RunStarting(Settings, Run, "akka.tcp://actor-runner@127.0.0.1:1");
        reporter.TaskReported(1, 1, 2);

        Assert.EndsWith(Erase + "loop 1/5: 0 done, 5 to go | 0 verified, 0 violated, 0 inconclusive | tasks reported 1/2", output.ToString());

        reporter.LoopDone(Loop(1), kept: true, new LoopProgress(1, 1, 0, 0, TimeSpan.FromSeconds(2)));

        var text = output.ToString();
        Assert.Contains(Erase + "loop 1/5: counter = 2, expected 2, verified", text);
        Assert.EndsWith(Erase + "loop 2/5: 1 done, 4 to go | 1 verified, 0 violated, 0 inconclusive | 0.5 loops/s", text);
    }

    /// <summary>A terminal that has hung up: every write fails with EIO, as after SIGHUP.</summary>
    private sealed class HungUp : StringWriter
    {
        public int Writes { get; private set; }
        public override void Write(char value) => Fail();
        public override void Write(string? value) => Fail();
        public override void Write(char[] buffer, int index, int count) => Fail();
        public override void WriteLine(string? value) => Fail();
        private void Fail()
        {
            Writes++;
            throw new IOException("Input/output error");
        }
    }

    [Fact]
    public void A_console_that_is_gone_is_written_to_no_more_and_nothing_reaches_the_run()
    {
        var terminal = new HungUp();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(terminal), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        var reporter = new ConsoleReporter(console, live: true);

        reporter.RunStarting(Settings, Run, "akka.tcp://actor-runner@127.0.0.1:1");
        reporter.TaskReported(1, 1, 2);
        reporter.Aborting("interrupted");
        reporter.LoopDone(Loop(1), kept: true, new LoopProgress(1, 1, 0, 0, TimeSpan.FromSeconds(1)));
        reporter.EndProgress();

        Assert.Equal(1, terminal.Writes);
    }

    [Fact]
    public void Without_a_count_the_line_tells_the_time_left()
    {
        var line = new ProgressLine(new LoopPlan(0, TimeSpan.FromHours(2)));
        line.LoopDone(new LoopProgress(10, 9, 1, 0, TimeSpan.FromHours(1)));

        Assert.StartsWith("loop 11: 10 done, 1 h left | 9 verified, 1 violated, 0 inconclusive", line.Text());
    }
}
