using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Releasing;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Books;

/// <summary>How a loop ended: what the scenario judges it by, who may hold the store should reading it fail, and whether another loop may follow.</summary>
/// <param name="Suspects">A note naming the nodes lost or silent in the loop, one of which may hold the store; "" when there are none.</param>
/// <param name="MayGoOn">The loop was read, was not cut short and lost no node: only then can another follow it.</param>
public sealed record LoopEnd(LoopClose Close, string Suspects, bool MayGoOn);

/// <summary>
/// The orchestrator's books together, and each step of a loop as one call on them: the roster of nodes, the ledger of
/// the loop under way, the next loop parked ahead, the book of loops, the plan, the run's course and its timeline, and
/// the release's timing. The actor keeps its states, its messages and its timers.
/// </summary>
public sealed class RunBooks(RunSettings settings, TimelineRecorder timeline, ReleaseTiming release)
{
    public NodeRoster Roster { get; } = NodeRoster.Of(settings);
    public LoopLedger Ledger { get; } = new(settings.Tasks);
    /// <summary>The next loop, when its tasks are parked while this one finishes and is judged (<see cref="ParkingAhead.ParkAfter"/>).</summary>
    public ParkingAhead Ahead { get; } = new();
    public LoopBook Loops { get; } = new();
    public LoopPlan Plan { get; } = new(settings.Loops, settings.Duration);
    public RunCourse Course { get; } = new();
    public TimelineRecorder Timeline { get; } = timeline;

    /// <summary>Every node is ready, at <paramref name="nowUs"/>: how each node's tasks wait for the release is chosen.</summary>
    public IEnumerable<RosterNode> AllReady(long nowUs, long processStartUs)
    {
        Course.AllReady(nowUs, processStartUs);
        return Roster.ChooseReleaseWaits(settings.ReleaseWait);
    }

    /// <summary>
    /// Starts the books of <paramref name="loop"/> at <paramref name="nowUs"/>, <paramref name="prepared"/> already or
    /// not: what was parked for it ahead, taken out of those books.
    /// </summary>
    public LoopStart Begin(int loop, bool prepared, long nowUs)
    {
        var start = Ahead.Start(loop, Course.LastVerdictUs, nowUs);
        Ledger.Begin(loop, start.StartUs);
        Roster.NewLoop();
        Course.LoopBegan(loop, Ledger.StartUs);
        if (prepared) Ledger.MarkPrepared();
        return start;
    }

    /// <summary>The live nodes not parked ahead for the loop <paramref name="start"/> began: to be told to park now.</summary>
    public IEnumerable<RosterNode> ToPark(LoopStart start) => Roster.Live.Where(n => !start.ParkedNodes.Contains(n.Id));

    /// <summary>The scenario has prepared the loop and every node has its tasks parked.</summary>
    public bool ReadyToRelease => Ledger.Prepared && Ledger.ReadyNodes == settings.TotalNodes;

    /// <summary>The loop's Release, sent at <paramref name="nowUs"/>: its instant, in the ledger.</summary>
    public ReleaseInstant Release(long nowUs)
    {
        var instant = release.Instant(nowUs);
        Ledger.Released(instant.SentUs, instant.AtUs);
        return instant;
    }

    /// <summary>The nodes to tell, right behind the Release, to park their tasks for the next loop (none after the last).</summary>
    public IReadOnlyList<RosterNode> ParkAhead(long nowUs) => Ahead.ParkAfter(Ledger.Loop, Plan.LastLoop, Roster.Live, nowUs);

    /// <summary>
    /// Ends the loop, cut short for <paramref name="abortReason"/> or not; with <paramref name="stillRunning"/> false
    /// (cut short at its barrier) the tasks not yet accounted for never ran.
    /// </summary>
    public LoopEnd End(string? abortReason, bool stillRunning)
    {
        Ledger.CutShort(abortReason);
        if (!stillRunning) Ledger.NeverReleased(Roster.All);
        // No task released: none can have acted, so the outcome is not read (reading the store could race the
        // loop's own reset and show the previous loop's outcome).
        if (!Ledger.WasReleased) Ledger.AddToAbort("no task was released, the outcome was not read");
        var close = Ledger.Close();
        return new LoopEnd(close, Ledger.SuspectsNote(Roster.All), stillRunning && close.Read && close.Abort is null && !Roster.AnyLost);
    }

    /// <summary>
    /// <paramref name="loop"/> judged (<paramref name="verification"/>) at <paramref name="nowUs"/>: its release's
    /// delivery measured, its record made, its verdict on the timeline, and the loop folded into the book of loops
    /// with its events; the record, and whether the loop is kept in full.
    /// </summary>
    public (LoopRecord Record, bool Kept) Judged(int loop, LoopVerification verification, long nowUs)
    {
        // Nodes that never said they were ready this loop keep their last measured clock.
        var clocks = Roster.Clocks();
        var lateNodes = release.Delivered(loop, Ledger.Reports, id => Roster.Find(id)?.ClockThisLoop, Ledger.ReleaseSentUs, Ledger.ReleaseAtUs);
        var record = Ledger.Record(settings.Loops, verification, settings.LockTimeout, clocks, lateNodes, nowUs);
        Course.Judged(nowUs);
        Timeline.Note("loop-verdict", loop, $"{record.Verification.Verdict.Name()}: {record.Verification.Outcome.Summary}");
        return (record, Loops.Add(record, Timeline.TakeLoop(loop)));
    }

    /// <summary>The loops so far as the console shows them, at <paramref name="nowUs"/>.</summary>
    public LoopProgress Progress(long nowUs) => Loops.Progress(Course.LoopsElapsed(nowUs));

    /// <summary>What follows the verdict on the loop under way (<see cref="LoopJudging.After"/>).</summary>
    public AfterVerdict After(Verdict verdict, StoppedBy? stopped, NextReset next) =>
        LoopJudging.After(Ledger.Abort, Roster.AnyLost, verdict, settings.ContinueOnFailure, stopped, next);

    /// <summary>The run's outcome: its verdict covers the loops that ran, and ends the timeline.</summary>
    public RunOutcome Outcome()
    {
        var verdict = Course.Verdict(Loops.Worst);
        Timeline.Note("run-ended", null, verdict.Name());
        return Course.Outcome(verdict, Roster.Records(), Loops, Timeline.Events);
    }
}
