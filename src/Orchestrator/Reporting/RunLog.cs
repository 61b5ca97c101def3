using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;
using Akka.Event;

namespace ActorRunner.Orchestrator.Reporting;

/// <summary>
/// The orchestrator's longer log lines, each at the level its loop calls for: the first loops and a sample are told
/// at information level, the rest at debug, so a long hunt's log stays small. Written to the orchestrator's own log
/// (<paramref name="log"/>), so they carry its source, and its state and loop.
/// </summary>
public sealed class RunLog(ILoggingAdapter log)
{
    /// <summary>A message sent or received, as the timeline records it (debug).</summary>
    public void Event(TimelineEvent e)
    {
        if (e.Message is not null && log.IsDebugEnabled)
            log.Debug("{Event} {MessageType} {From} -> {To} at {TimeUs} us (loop {Loop}, task {Task})",
                new object?[] { e.Event, e.Message, e.From, e.To, e.TimeUs, e.Loop, e.Task });
    }

    public void RunStarts(RunSettings settings, string runId, string address) =>
        log.Info("Run {RunId} starts: scenario {Scenario}, {Tasks} tasks on {Nodes} local and {RemoteNodes} remote nodes, {Loops} loops (0: no count limit), duration {DurationS} s (0: none), lock {LockMode}, orchestrator at {Address}",
            new object[] { runId, settings.Scenario, settings.Tasks, settings.Nodes, settings.RemoteNodes, settings.Loops, settings.Duration.TotalSeconds, settings.LockModeName, address });

    /// <summary>How each node's tasks wait for the release, once every node is ready.</summary>
    public void ReleaseWaits(IEnumerable<RosterNode> nodes)
    {
        foreach (var each in nodes)
            log.Info("Node {Node} ({Tasks} tasks, {Cores} cores) waits for the release by {ReleaseWait}", each.Id, each.TaskIds.Count, each.Cores, each.ReleaseWait);
    }

    public void Released(int loop, long releaseAtUs)
    {
        if (LoopDetail.Planned(loop)) log.Info("Loop {Loop}: every task parked; release at {ReleaseAtUs}", loop, releaseAtUs);
        else log.Debug("Loop {Loop}: every task parked; release at {ReleaseAtUs}", loop, releaseAtUs);
    }

    /// <summary>A task's report: what a committed one read and wrote (debug), any other outcome as a warning.</summary>
    /// <param name="clock">The clock of the task's node for the loop.</param>
    public void TaskReported(int loop, TaskReport report, NodeClock clock)
    {
        if (report.Outcome == TaskOutcome.Committed)
            log.Debug("Loop {Loop}: task {Task} on {Node} read {Observed} and wrote {Written}; released at {ReleasedUs} us (node clock), {ReleasedOrchestratorUs} us (orchestrator clock)",
                new object[] { loop, report.TaskId, report.NodeId, report.Observed, report.Written, report.Phases.ReleasedUs,
                    clock.ToOrchestratorUs(report.Phases.ReleasedUs) });
        else
            log.Warning("Loop {Loop}: task {Task} on {Node} {Outcome}: {Error}", loop, report.TaskId, report.NodeId, report.Outcome, report.Error);
    }

    /// <summary>A report not counted for the loop under way (<paramref name="filing"/>): one from another loop, or a second one of its task.</summary>
    public void NotFiled(int loop, TaskReport report, Filing filing)
    {
        if (filing == Filing.OtherLoop) log.Warning("Loop {Loop}: ignored a late report of task {Task} from loop {ReportLoop}", loop, report.TaskId, report.Loop);
        else if (filing == Filing.Duplicate) log.Warning("Loop {Loop}: ignored a second report of task {Task}", loop, report.TaskId);
    }

    /// <summary>A kept loop's verdict and findings at information level; the others' at debug.</summary>
    public void Verdict(LoopRecord record, int loops, bool kept)
    {
        var verification = record.Verification;
        var level = kept ? LogLevel.InfoLevel : LogLevel.DebugLevel;
        if (!log.IsEnabled(level)) return;
        log.Log(level, "Loop {Loop} of {Loops}: {Outcome} (value {Counter}, {Expected} tasks), {Verdict}; release spread {ReleaseSpreadMs} ms, {CriticalSectionsPerSecond} critical sections/s",
            new object[] { record.Loop, loops, verification.Outcome.Summary, verification.Counter, verification.Expected, verification.Verdict.Name(),
            Math.Round(record.Timings.ReleaseSpreadMs.Max, 3), Math.Round(record.Timings.CriticalSectionsPerSecond, 1) });
        // The console shows the findings already (ConsoleReporter); the log file keeps every one of a kept loop.
        foreach (var finding in verification.Findings)
            log.Log(level, "Loop {Loop} finding: {Finding}", new object[] { record.Loop, finding });
    }
}
