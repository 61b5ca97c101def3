using ActorRunner.Messages;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Verification;
using Akka.Event;

namespace ActorRunner.Orchestrator.Actors;

/// <summary>A report filed for the loop under way (<paramref name="Loop"/>): how many of its tasks are accounted for, and whether that is all of them.</summary>
public readonly record struct FiledReport(int Loop, int Accounted, bool Complete);

/// <summary>A loop's verdict in the books: its record, whether it is kept in full, and what follows it.</summary>
public readonly record struct JudgedLoop(LoopRecord Record, bool Kept, AfterVerdict After);

/// <summary>
/// What each of the orchestrator's loop states does with a message, beyond choosing the next state: the loop begun and
/// its tasks parked, each node's TasksReady read (a clock probe) and counted, the Release sent to every node with the
/// next loop parked right behind it, each report filed, the loop's timeouts turned into reasons, and the verdict
/// shown and logged. Each step says what the actor is to do next (release, end the loop, start the next or finish);
/// the actor keeps its states, its messages, its timers and the scenario's work off its thread.
/// </summary>
public sealed class LoopSteps(RunSettings settings, RunContext run, ScenarioSteps scenario, RunBooks books, NodePost post, IRunObserver observer,
    RunLog runLog, ILoggingAdapter log)
{
    private readonly ClockReadings _clocks = new(books.Course, observer, log);

    /// <summary>The loop under way (0 before the first).</summary>
    public int Loop => books.Ledger.Loop;

    private NodeRoster Roster => books.Roster;
    private LoopLedger Ledger => books.Ledger;

    /// <summary>Begins <paramref name="loop"/>, <paramref name="prepared"/> by the scenario already or not: what was parked for it ahead.</summary>
    public LoopStart Begin(int loop, bool prepared) => books.Begin(loop, prepared, WireClock.NowUs());

    /// <summary>
    /// The scenario prepares <paramref name="loop"/> (BeforeTasks) on a pool thread while the nodes park their tasks:
    /// no task acts before the Release, which waits for both.
    /// </summary>
    public Task Prepare(int loop)
    {
        log.Debug("Loop {Loop}: scenario {Scenario} prepares the loop while the nodes park their tasks", loop, scenario.Name);
        return Task.Run(() => scenario.BeforeTasks(loop));
    }

    /// <summary>
    /// Tells the live nodes not parked ahead for the loop (<paramref name="start"/>) to park their tasks. A node parked
    /// ahead keeps the PrepareSentUs of its PrepareLoop sent then: its TasksReady answers that one.
    /// </summary>
    public void Park(int loop, LoopStart start) => SendPrepareLoop(loop, books.ToPark(start));

    /// <summary>A node's TasksReady, in the barrier: one for the loop under way is on the timeline and counted; true when the loop is to be released.</summary>
    public bool TasksReady(TasksReady ready)
    {
        if (ready.Loop != Loop) return false;
        books.Timeline.Received(ready, ready.NodeId, ready.Loop);
        return NodeReady(ready, WireClock.NowUs());
    }

    /// <summary>
    /// A node has every task parked for this loop; its TasksReady arrived at <paramref name="receivedUs"/> and is read
    /// as a clock probe. True when the loop is to be released.
    /// </summary>
    public bool NodeReady(TasksReady ready, long receivedUs)
    {
        if (Roster.Find(ready.NodeId) is { } node) _clocks.Read(node, ready, receivedUs, Loop);
        Ledger.NodeReady(ready.NodeId);
        log.Debug("Loop {Loop}: node {Node} has every task parked ({ReadyNodes} of {TotalNodes})", Loop, ready.NodeId, Ledger.ReadyNodes, settings.TotalNodes);
        return books.ReadyToRelease;
    }

    /// <summary>The scenario has prepared the loop; true when the loop is to be released.</summary>
    public bool Prepared()
    {
        Ledger.MarkPrepared();
        return books.ReadyToRelease;
    }

    /// <summary>
    /// Sends every live node the loop's Release, each with the instant on its own clock too (the conversion is made
    /// here, where the offsets are), and the next loop's PrepareLoop right behind it; how long the reports may take from
    /// now (the release's lead, the lock timeout and the loop timeout).
    /// </summary>
    public TimeSpan Release()
    {
        var release = books.Release(WireClock.NowUs());
        var loop = Loop;
        post.Tell(Roster.Live, node => new Release(loop, release.AtUs, node.ClockThisLoop.ToNodeUs(release.AtUs)), loop);
        if (books.ParkAhead(WireClock.NowUs()) is { Count: > 0 } parkAhead) SendPrepareLoop(loop + 1, parkAhead);
        runLog.Released(loop, release.AtUs);
        return release.In + settings.LockTimeout + settings.LoopTimeout;
    }

    /// <summary>Why the loop ends when its barrier timed out: the nodes not ready.</summary>
    public string BarrierTimedOut() =>
        $"barrier timeout after {settings.BarrierTimeout.TotalSeconds:0.###} s: not ready: {string.Join(", ", Ledger.NotReady(Roster.All))}";

    /// <summary>A task's report: filed (and on the timeline), or logged as not counted (null).</summary>
    public FiledReport? File(TaskReport report)
    {
        var filing = Ledger.File(report);
        if (filing != Filing.OtherLoop) books.Timeline.Received(report, report.NodeId, report.Loop, report.TaskId);
        if (filing != Filing.Filed)
        {
            runLog.NotFiled(Loop, report, filing);
            return null;
        }
        return new FiledReport(Loop, Ledger.Accounted, Ledger.Complete);
    }

    /// <summary>A report filed (<paramref name="filed"/>), shown and logged: after the judging has started when it was the loop's last.</summary>
    public void Show(TaskReport report, FiledReport filed)
    {
        observer.TaskReported(filed.Loop, filed.Accounted, Ledger.ExpectedTasks);
        runLog.TaskReported(filed.Loop, report, Roster.ClockOf(report.NodeId));
    }

    /// <summary>Why the loop ends when its reports did not all come within <paramref name="limit"/>: the tasks still silent are given up on, by node.</summary>
    public string TimedOut(TimeSpan limit) =>
        $"loop timeout after {limit.TotalSeconds:0.###} s: no reports from {string.Join(", ", Ledger.GiveUpSilent(Roster.All))}";

    /// <summary>
    /// A node lost after the release (<paramref name="lost"/>): every live node is told to abort the loop (tasks still
    /// parked skip it; released ones finish it). True when every task is accounted for.
    /// </summary>
    public bool Abort(string lost)
    {
        var abort = new AbortLoop(Loop, lost);
        post.Tell(Roster.Live, _ => abort, Loop);
        return Ledger.Complete;
    }

    /// <summary>The loop that ended (<paramref name="end"/>) read and judged by the scenario on a pool thread (<see cref="LoopJudging.Start"/>).</summary>
    public Task<(LoopVerification Verification, StoppedBy? Stopped, NextReset Next)> Judge(LoopEnd end) =>
        LoopJudging.Start(scenario, end, books.Plan, books.Course.FirstLoopStartUs, settings.ContinueOnFailure);

    /// <summary>A TasksReady for the loop parked ahead: on the timeline, and kept until that loop starts.</summary>
    public void KeepAhead(TasksReady ready)
    {
        books.Timeline.Received(ready, ready.NodeId, ready.Loop);
        books.Ahead.Keep(ready, WireClock.NowUs());
    }

    /// <summary><paramref name="loop"/> judged (<paramref name="verification"/>): its record made and kept in the books, and what follows it.</summary>
    public JudgedLoop Judged(int loop, LoopVerification verification, StoppedBy? stopped, NextReset next)
    {
        var (record, kept) = books.Judged(loop, verification, WireClock.NowUs());
        return new JudgedLoop(record, kept, books.After(record.Verification.Verdict, stopped, next));
    }

    /// <summary>A verdict shown and logged: after the next loop has started, when one follows.</summary>
    public void Show(JudgedLoop judged)
    {
        observer.LoopDone(judged.Record, judged.Kept, books.Progress(WireClock.NowUs()));
        runLog.Verdict(judged.Record, settings.Loops, judged.Kept);
    }

    /// <summary>The run finishes after a verdict (<paramref name="finish"/>): when the loops ran out (their count, the time budget), the run's course says so. Why it stops early, if it does.</summary>
    public string? Stopped(AfterVerdict.Finish finish)
    {
        if (finish.StoppedBy is { } stoppedBy) StopBy(stoppedBy);
        return finish.Reason;
    }

    private void StopBy(StoppedBy stoppedBy)
    {
        books.Course.StopBy(stoppedBy);
        if (stoppedBy == StoppedBy.Duration)
            log.Info("Run {RunId}: the time budget of {DurationS} s is spent after {LoopsRun} loops", run.RunId, settings.Duration.TotalSeconds, books.Loops.LoopsRun);
    }

    /// <summary>Tells these nodes to park their tasks for <paramref name="loop"/> (each send is half of a clock probe).</summary>
    private void SendPrepareLoop(int loop, IEnumerable<RosterNode> nodes) => post.Tell(nodes, node => node.Prepare(loop, WireClock.NowUs()), loop);
}
