using ActorRunner.Messages;
using ActorRunner.Messages.Serialization;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Releasing;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;
using Akka.Actor;
using Akka.Event;
using Spectre.Console;

namespace ActorRunner.Orchestrator.Actors;

/// <summary>
/// The orchestrator's part of a loop, run once on made-up figures while the nodes start, off the actor's thread: the
/// loop's messages through the wire and back, a ledger filed, closed and recorded, the delivery measured, the verdict
/// made, a book kept and the console's verdict line written. The first loop's verdict and the next Release then wait
/// for no just-in-time compilation (the first loop took about 60 ms more than the next ones without it). Nothing it
/// touches is the run's: the ledger, the book and the console (writing to nowhere) are its own, and nothing is sent.
/// </summary>
public static class LoopWarmUp
{
    private const string Node = "warm-up-node", Task = "warm-up-task";

    /// <summary>Runs the loop's path once; the record it made (a verified loop of two tasks).</summary>
    public static LoopRecord Run(ActorSystem system, RunSettings settings, RunContext run)
    {
        var messages = WireWarmUp.LoopMessages(Node, Task);
        WireWarmUp.RoundTrip(system, messages);
        var report = messages.OfType<TaskReport>().Single();
        var reports = new[] { report, report with { TaskId = Task + "-2", Observed = 1, Written = 2 } };

        var ledger = new LoopLedger(reports.Length);
        var startUs = WireClock.NowUs();
        ledger.Begin(1, startUs);
        ledger.MarkPrepared();
        ledger.NodeReady(Node);
        ledger.Released(startUs, startUs + 1_000);
        foreach (var filed in reports) ledger.File(filed);
        var close = ledger.Close();
        var clocks = new Dictionary<string, NodeClock> { [Node] = NodeClock.Same };
        var lateNodes = new ReleaseTiming(settings.ReleaseDelay, settings.ReleaseLead, NoLogger.Instance)
            .Delivered(close.Loop, ledger.Reports, id => clocks.GetValueOrDefault(id), ledger.ReleaseSentUs, ledger.ReleaseAtUs);
        var results = LoopVerifier.Results(close.Reports, close.Missing);
        var counter = reports.Max(r => r.Written);
        var outcome = new ScenarioOutcome($"counter = {counter}, expected {close.Expected}", counter);
        var verification = LoopVerifier.Verify(close.Expected, results, outcome, IncrementInvariant.Judge("counter", close.Expected, counter, results));
        var record = ledger.Record(settings.Loops, verification, settings.LockTimeout, clocks, lateNodes, WireClock.NowUs());

        var book = new LoopBook();
        var kept = book.Add(record, []);
        _ = book.Summary(TimeSpan.FromMilliseconds(1));
        var console = new ConsoleReporter(AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(TextWriter.Null),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        }));
        console.RunStarting(settings, run, "warm-up");
        console.LoopDone(record, kept, book.Progress(TimeSpan.FromMilliseconds(1)));
        return record;
    }

    /// <summary>Runs the loop's path once (<see cref="Run"/>) on a pool thread, while the nodes start; a failure is only a warning.</summary>
    public static void WhileNodesStart(ActorSystem system, RunSettings settings, RunContext run, ILoggingAdapter log) =>
        System.Threading.Tasks.Task.Run(() => Run(system, settings, run)).ContinueWith(
            failed => log.Warning("Run {RunId}: the warm-up of the loop's path failed (the first loop may be slower): {Error}", run.RunId, failed.Exception?.GetBaseException().Message),
            TaskContinuationOptions.OnlyOnFaulted);
}
