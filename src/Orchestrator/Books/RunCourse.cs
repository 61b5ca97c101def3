using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Books;

/// <summary>
/// The books of the run beyond any one loop: how long the start-up took, when the first loop began and the last
/// verdict came, the nodes' clock steps, and how the run stops (why, the first reason to cut it short, and whether
/// it was interrupted). At the end they make the run's outcome with the loop books.
/// </summary>
public sealed class RunCourse
{
    private readonly List<ClockStep> _clockSteps = new();

    /// <summary>From the orchestrator's start to every node ready (ms); 0 until then.</summary>
    public double StartupMs { get; private set; }

    /// <summary>When the first loop began (orchestrator clock); 0 before it.</summary>
    public long FirstLoopStartUs { get; private set; }

    /// <summary>When the last verdict came (orchestrator clock); 0 before the first.</summary>
    public long LastVerdictUs { get; private set; }

    /// <summary>Why the loops stop: a failure unless the count, the time budget or a signal says otherwise.</summary>
    public StoppedBy StoppedBy { get; private set; } = StoppedBy.Failure;

    /// <summary>Why the run stops early: the first reason given; null while it has none.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>SIGINT or SIGTERM stopped the run.</summary>
    public bool Interrupted { get; private set; }

    /// <summary>Nodes' clocks that jumped during the run, in the order they were seen.</summary>
    public IReadOnlyList<ClockStep> ClockSteps => _clockSteps;

    /// <summary>Every node is ready at <paramref name="nowUs"/>; the orchestrator's process started at <paramref name="processStartUs"/>.</summary>
    public void AllReady(long nowUs, long processStartUs) => StartupMs = (nowUs - processStartUs) / 1000.0;

    /// <summary><paramref name="loop"/> began at <paramref name="startUs"/>: the first loop's start is kept.</summary>
    public void LoopBegan(int loop, long startUs)
    {
        if (loop == 1) FirstLoopStartUs = startUs;
    }

    public void Judged(long nowUs) => LastVerdictUs = nowUs;

    public void ClockStepped(ClockStep step) => _clockSteps.Add(step);

    /// <summary>The loops stop for <paramref name="stoppedBy"/> (their count, the time budget).</summary>
    public void StopBy(StoppedBy stoppedBy) => StoppedBy = stoppedBy;

    public void Interrupt()
    {
        Interrupted = true;
        StoppedBy = StoppedBy.Interrupted;
    }

    /// <summary>The run stops early for <paramref name="reason"/>, unless it had a reason already (the first stands); returns the one that stands.</summary>
    public string? Abort(string? reason) => AbortReason ??= reason;

    /// <summary>From the first loop's start to <paramref name="nowUs"/>; zero before the first loop.</summary>
    public TimeSpan LoopsElapsed(long nowUs) => Elapsed(FirstLoopStartUs, nowUs);

    /// <summary>From <paramref name="firstLoopStartUs"/> to <paramref name="nowUs"/>; zero when no loop began (0).</summary>
    public static TimeSpan Elapsed(long firstLoopStartUs, long nowUs) =>
        firstLoopStartUs == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(nowUs - firstLoopStartUs);

    /// <summary>
    /// The run's verdict from the worst loop's (<paramref name="worst"/>; none ran: inconclusive): a time budget
    /// spent is no failure, a run cut short is.
    /// </summary>
    public Verdict Verdict(Verdict? worst)
    {
        var verdict = worst ?? Verification.Verdict.Inconclusive;
        return AbortReason is null ? verdict : verdict.Worst(Verification.Verdict.Inconclusive);
    }

    /// <summary>The run's outcome: the loops <paramref name="book"/> kept, their events after the run's own (<paramref name="runEvents"/>).</summary>
    public RunOutcome Outcome(Verdict verdict, IReadOnlyList<NodeRecord> nodes, LoopBook book, IReadOnlyList<TimelineEvent> runEvents)
    {
        var kept = book.Kept;
        return new RunOutcome(verdict, nodes, kept.Select(k => k.Record).ToList(), AbortReason, Interrupted, StartupMs,
            [.. runEvents, .. kept.SelectMany(k => k.Events)], book.Summary(LoopsElapsed(LastVerdictUs)), StoppedBy, _clockSteps.ToList());
    }
}
