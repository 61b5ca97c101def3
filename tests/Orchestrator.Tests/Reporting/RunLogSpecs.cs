using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;
using Akka.Event;

namespace ActorRunner.Orchestrator.Tests.Reporting;

public sealed class RunLogSpecs
{
    private const string VerdictTemplate = "Loop {Loop} of {Loops}: {Outcome} (value {Counter}, {Expected} tasks), {Verdict}; release spread {ReleaseSpreadMs} ms, {CriticalSectionsPerSecond} critical sections/s";
    private const string FindingTemplate = "Loop {Loop} finding: {Finding}";

    private readonly RecordingLog _log = new();

    private static LoopRecord Violated(int loop) => new(loop, 10,
        new LoopVerification(Verdict.Violated, 3, new ScenarioOutcome("counter = 2", 2), 3, 0, [], [], ["task-1 and task-2 read 1", "lost 1 update"],
            new Dictionary<string, long>()),
        new LoopTimings(new Percentiles(0.1, 0.25, 0.3), Percentiles.Empty, Percentiles.Empty, Percentiles.Empty, 0.05, 1234.56), 12, 0, []);

    [Fact]
    public void A_kept_loop_s_verdict_and_each_finding_are_at_information_level_the_others_at_debug()
    {
        var runLog = new RunLog(_log);

        runLog.Verdict(Violated(3), loops: 10, kept: true);
        runLog.Verdict(Violated(4), loops: 10, kept: false);

        Assert.Equal(
            [(LogLevel.InfoLevel, VerdictTemplate), (LogLevel.InfoLevel, FindingTemplate), (LogLevel.InfoLevel, FindingTemplate),
             (LogLevel.DebugLevel, VerdictTemplate), (LogLevel.DebugLevel, FindingTemplate), (LogLevel.DebugLevel, FindingTemplate)],
            _log.Events.Select(e => (e.Level, e.Template)));
        Assert.Equal<object?>([3, 10, "counter = 2", 2L, 3, "violated", 0.3, 1234.6], _log.Events[0].Args);
        Assert.Equal<object?>([4, "lost 1 update"], _log.Events[5].Args);
    }

    [Fact]
    public void A_committed_report_is_told_at_debug_on_both_clocks_and_a_failed_one_is_a_warning()
    {
        var phases = new TaskPhases(1, 2_000, 3, 4, 5, 6, 7);
        var committed = new TaskReport(2, "task-1", "node-1", TaskOutcome.Committed, 5, 6, phases, TaskFailure.None, null);
        var failed = new TaskReport(2, "task-2", "node-1", TaskOutcome.Failed, 0, 0, phases, TaskFailure.LockTimeout, "no lock within 500 ms");

        new RunLog(_log).TaskReported(2, committed, new NodeClock(500, 10));
        new RunLog(_log).TaskReported(2, failed, new NodeClock(500, 10));

        Assert.Equal([LogLevel.DebugLevel, LogLevel.WarningLevel], _log.Events.Select(e => e.Level));
        Assert.Equal<object?>([2, "task-1", "node-1", 5L, 6L, 2_000L, 2_500L], _log.Events[0].Args);
        Assert.Equal<object?>([2, "task-2", "node-1", TaskOutcome.Failed, "no lock within 500 ms"], _log.Events[1].Args);
    }

    [Fact]
    public void A_report_from_another_loop_or_a_second_one_of_a_task_is_a_warning_and_one_filed_is_not_logged_here()
    {
        var report = new TaskReport(3, "task-1", "node-1", TaskOutcome.Committed, 0, 1, new TaskPhases(1, 2, 3, 4, 5, 6, 7), TaskFailure.None, null);

        new RunLog(_log).NotFiled(4, report, Orchestrator.Books.Filing.OtherLoop);
        new RunLog(_log).NotFiled(3, report, Orchestrator.Books.Filing.Duplicate);
        new RunLog(_log).NotFiled(3, report, Orchestrator.Books.Filing.Filed);

        Assert.Equal(
            [("Loop {Loop}: ignored a late report of task {Task} from loop {ReportLoop}", new object?[] { 4, "task-1", 3 }),
             ("Loop {Loop}: ignored a second report of task {Task}", new object?[] { 3, "task-1" })],
            _log.Events.Select(e => (e.Template, e.Args.ToArray())));
        Assert.All(_log.Events, e => Assert.Equal(LogLevel.WarningLevel, e.Level));
    }

    [Fact]
    public void The_release_of_a_planned_loop_is_told_and_of_the_others_at_debug()
    {
        new RunLog(_log).Released(LoopDetail.FirstLoops, 99);
        new RunLog(_log).Released(LoopDetail.FirstLoops + 1, 99);
        new RunLog(_log).Released(LoopDetail.SampleEvery, 99);

        Assert.Equal([LogLevel.InfoLevel, LogLevel.DebugLevel, LogLevel.InfoLevel], _log.Events.Select(e => e.Level));
    }

    [Fact]
    public void Only_messages_on_the_timeline_are_logged_not_its_notes()
    {
        var runLog = new RunLog(_log);

        runLog.Event(new TimelineEvent(10, "orchestrator", 1, null, "sent", "Release", "orchestrator", "node-1"));
        runLog.Event(new TimelineEvent(20, "orchestrator", 1, null, "loop-verdict", Detail: "verified"));

        var logged = Assert.Single(_log.Events);
        Assert.Equal<object?>(["sent", "Release", "orchestrator", "node-1", 10L, 1, null], logged.Args);
    }
}
