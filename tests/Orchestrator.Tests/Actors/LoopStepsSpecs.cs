using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;
using Akka.Event;

namespace ActorRunner.Orchestrator.Tests.Actors;

/// <summary>Three tasks on two nodes (task-1 and task-2 on node-1, task-3 on node-2, whose clock is 300 us behind), two loops, a fixed 10 ms lead.</summary>
public sealed class LoopStepsSpecs
{
    private const string RunId = "run-loops";
    private const string ReleasedTemplate = "Loop {Loop}: every task parked; release at {ReleaseAtUs}";

    private static readonly RunSettings Settings = StepsFixture.Layout(tasks: 3, nodes: 2, tasksPerNode: 2) with
    {
        Loops = 2,
        Duration = TimeSpan.FromSeconds(30),
        ReleaseDelay = TimeSpan.Zero,
        ReleaseLead = TimeSpan.FromMilliseconds(10),
        LockTimeout = TimeSpan.FromMilliseconds(500),
        BarrierTimeout = TimeSpan.FromSeconds(1),
        LoopTimeout = TimeSpan.FromSeconds(2),
    };

    private readonly StepsFixture _run = new(Settings, RunId);
    private readonly PreparedLoops _scenario = new();
    private readonly LoopSteps _steps;
    private readonly RecordingRef _node1 = new("node-1");
    private readonly RecordingRef _node2 = new("node-2");

    public LoopStepsSpecs()
    {
        var scenario = new ScenarioSteps(_scenario, SettingsLoader.ScenarioRunOf(Settings, RunId, _run.Run.DbPath),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        _steps = new LoopSteps(Settings, _run.Run, scenario, _run.Books, _run.Post, _run.Observer, _run.RunLog, _run.Log);
        foreach (var (node, offsetUs) in new[] { (_node1, 0L), (_node2, 300L) })
            _run.Admit(node).ReadyWith(new NodeReady(node.Path.Name, 1, offsetUs, 0), WireClock.NowUs());
    }

    /// <summary>A TasksReady from <paramref name="nodeId"/> for <paramref name="loop"/> from a node whose clock is as it said at joining, and when it arrived.</summary>
    private (TasksReady Ready, long ReceivedUs) ReadyOf(string nodeId, int loop)
    {
        var node = _run.Books.Roster.Find(nodeId)!;
        var nodeUs = node.PrepareSentUs + 100 - node.Clock.OffsetUs;
        return (new TasksReady(loop, nodeId, nodeUs, nodeUs, 0), node.PrepareSentUs + 200);
    }

    private bool NodeReady(string nodeId, int loop)
    {
        var (ready, receivedUs) = ReadyOf(nodeId, loop);
        return _steps.NodeReady(ready, receivedUs);
    }

    /// <summary>Loop 1 begun, prepared, every node parked and released.</summary>
    private TimeSpan Released()
    {
        _steps.Park(1, _steps.Begin(1, prepared: true));
        NodeReady("node-1", 1);
        NodeReady("node-2", 1);
        return _steps.Release();
    }

    private static TaskReport Committed(int loop, string task, string node, long observed) =>
        new(loop, task, node, TaskOutcome.Committed, observed, observed + 1, new TaskPhases(1, 2, 3, 4, 5, 6, 7), TaskFailure.None, null);

    private static LoopVerification Verified() =>
        new(Verdict.Verified, 3, new ScenarioOutcome("counter = 3", 3), 3, 0, [], [], [], new Dictionary<string, long>());

    [Fact]
    public void A_loop_begun_tells_each_live_node_to_park_on_the_timeline_and_a_node_parked_ahead_is_not_told_again()
    {
        var start = _steps.Begin(1, prepared: false);
        _steps.Park(1, start);

        Assert.Equal(1, _steps.Loop);
        Assert.Equal(new PrepareLoop(1, ReleaseWait.Wake, _run.Books.Roster.Find("node-1")!.PrepareSentUs), Assert.Single(_node1.Told));
        Assert.IsType<PrepareLoop>(Assert.Single(_node2.Told));
        Assert.Equal(["node-1", "node-2"], _run.Timeline.TakeLoop(1).Where(e => e.Event == "sent").Select(e => e.To));

        _run.Books.Ahead.Park(2, _run.Books.Roster.All.Where(n => n.Id == "node-2"), WireClock.NowUs());
        _steps.Park(2, _steps.Begin(2, prepared: true));

        Assert.Equal(2, _node1.Told.Count);
        Assert.Single(_node2.Told);
    }

    [Fact]
    public void The_loop_is_released_only_once_prepared_with_every_node_parked_and_a_word_for_another_loop_counts_for_nothing()
    {
        _steps.Park(1, _steps.Begin(1, prepared: false));

        Assert.False(_steps.TasksReady(new TasksReady(7, "node-1", 1, 1, 0)));
        Assert.Empty(_run.Timeline.TakeLoop(7));
        Assert.False(NodeReady("node-1", 1));
        Assert.False(_steps.Prepared(), "node-2 has not parked its task");
        Assert.True(NodeReady("node-2", 1));

        Assert.Equal<object?>([1, "node-2", 2, 2], _run.Log.Events.Last(e => e.Template.StartsWith("Loop {Loop}: node {Node} has every task parked")).Args);
    }

    [Fact]
    public void The_release_gives_each_node_the_instant_on_its_own_clock_parks_the_next_loop_behind_it_and_allows_lead_lock_and_loop_timeouts()
    {
        var limit = Released();

        var release1 = Assert.IsType<Release>(_node1.Told[1]);
        var release2 = Assert.IsType<Release>(_node2.Told[1]);
        Assert.Equal((1, release1.ReleaseAtUs), (release1.Loop, release1.NodeReleaseAtUs));
        Assert.Equal((release1.ReleaseAtUs, release1.ReleaseAtUs - 300), (release2.ReleaseAtUs, release2.NodeReleaseAtUs));
        Assert.Equal(release1.ReleaseAtUs, _run.Books.Ledger.ReleaseAtUs);
        Assert.Equal(2, Assert.IsType<PrepareLoop>(_node1.Told[2]).Loop);
        Assert.Equal(2, Assert.IsType<PrepareLoop>(_node2.Told[2]).Loop);
        Assert.Equal(TimeSpan.FromMilliseconds(10 + 500 + 2_000), limit);
        Assert.Equal<object?>([1, release1.ReleaseAtUs], _run.Log.Single(ReleasedTemplate).Args);
        Assert.Equal(LogLevel.InfoLevel, _run.Log.Single(ReleasedTemplate).Level);
    }

    [Fact]
    public void The_last_loop_parks_nothing_behind_its_release()
    {
        Released();
        _run.Books.End(null, stillRunning: true);
        _steps.Park(2, _steps.Begin(2, prepared: true));
        NodeReady("node-1", 2);
        NodeReady("node-2", 2);

        _steps.Release();

        Assert.Equal([typeof(PrepareLoop), typeof(Release), typeof(PrepareLoop), typeof(Release)], _node1.Told.Select(m => m.GetType()));
    }

    [Fact]
    public void Each_report_is_filed_on_the_timeline_a_second_or_late_one_is_not_counted_and_the_last_completes_the_loop()
    {
        Released();

        Assert.Equal(new FiledReport(1, 1, false), _steps.File(Committed(1, "task-1", "node-1", 0)));
        Assert.Null(_steps.File(Committed(1, "task-1", "node-1", 0)));
        Assert.Null(_steps.File(Committed(0, "task-2", "node-1", 0)));
        Assert.Equal(new FiledReport(1, 2, false), _steps.File(Committed(1, "task-2", "node-1", 1)));
        Assert.Equal(new FiledReport(1, 3, true), _steps.File(Committed(1, "task-3", "node-2", 2)));

        Assert.Empty(_run.Observer.Calls);
        Assert.Equal(["Loop {Loop}: ignored a second report of task {Task}", "Loop {Loop}: ignored a late report of task {Task} from loop {ReportLoop}"],
            _run.Log.Events.Where(e => e.Level == LogLevel.WarningLevel).Select(e => e.Template));
        Assert.Equal(4, _run.Timeline.TakeLoop(1).Count(e => e.Event == "received" && e.Message == "TaskReport"));
        Assert.Empty(_run.Timeline.TakeLoop(0));
    }

    [Fact]
    public void A_report_filed_is_shown_and_logged_for_its_own_loop_on_both_clocks_even_once_the_loop_has_ended()
    {
        Released();
        var report = Committed(1, "task-3", "node-2", 2) with { Phases = new TaskPhases(1, 2_000, 3, 4, 5, 6, 7) };
        var filed = _steps.File(report)!.Value;
        _run.Books.End(null, stillRunning: true);

        _steps.Show(report, filed);

        Assert.Equal(("TaskReported", "loop 1 1/3"), Assert.Single(_run.Observer.Calls));
        var logged = _run.Log.Events.Single(e => e.Template.StartsWith("Loop {Loop}: task {Task} on {Node} read {Observed}"));
        Assert.Equal<object?>([1, "task-3", "node-2", 2L, 3L, 2_000L, 2_300L], logged.Args);
    }

    [Fact]
    public void A_timeout_names_who_is_missing_at_the_barrier_and_who_is_silent_after_the_release()
    {
        _steps.Park(1, _steps.Begin(1, prepared: true));
        NodeReady("node-1", 1);

        Assert.Equal("barrier timeout after 1 s: not ready: node-2", _steps.BarrierTimedOut());

        NodeReady("node-2", 1);
        var limit = _steps.Release();
        _steps.File(Committed(1, "task-1", "node-1", 0));

        Assert.Equal("loop timeout after 2.51 s: no reports from node-1 (1 tasks), node-2 (1 tasks)", _steps.TimedOut(limit));
        Assert.True(_run.Books.Ledger.Complete, "the silent tasks are given up on");
    }

    [Fact]
    public void A_node_lost_after_the_release_has_every_live_node_abort_the_loop_which_ends_once_every_task_is_accounted_for()
    {
        Released();
        _run.Books.Roster.Find("node-2")!.Lose("node node-2 exited with code 137");

        Assert.False(_steps.Abort("node node-2 exited with code 137"));

        Assert.Equal(new AbortLoop(1, "node node-2 exited with code 137"), _node1.Told[^1]);
        Assert.IsNotType<AbortLoop>(_node2.Told[^1]);
        _run.Books.Ledger.Lost(_run.Books.Roster.Find("node-2")!, "node node-2 exited with code 137");
        _steps.File(Committed(1, "task-1", "node-1", 0));
        _steps.File(Committed(1, "task-2", "node-1", 1));
        Assert.True(_steps.Abort("node node-2 exited with code 137"));
    }

    [Fact]
    public void A_word_for_the_loop_parked_ahead_is_on_the_timeline_and_kept_until_that_loop_starts()
    {
        Released();
        var (ready, receivedUs) = ReadyOf("node-1", 2);

        _steps.KeepAhead(ready);

        Assert.Single(_run.Timeline.TakeLoop(2), e => e.Event == "received" && e.Message == "TasksReady");
        var start = _steps.Begin(2, prepared: true);
        var kept = Assert.Single(start.ReadyAhead);
        Assert.Equal(ready, kept.Ready);
        Assert.InRange(kept.ReceivedUs, receivedUs - 200, WireClock.NowUs());
    }

    [Fact]
    public void A_verdict_is_kept_in_the_books_with_what_follows_and_shown_and_logged_apart()
    {
        Released();
        _run.Books.End(null, stillRunning: true);

        var judged = _steps.Judged(1, Verified(), null, NextReset.Done.Instance);

        Assert.Equal(new AfterVerdict.NextLoop(Prepared: true), judged.After);
        Assert.Equal((1, true), (judged.Record.Loop, judged.Kept));
        Assert.Equal(1, _run.Books.Loops.LoopsRun);
        Assert.Empty(_run.Observer.Calls);
        Assert.DoesNotContain(_run.Log.Events, e => e.Template.StartsWith("Loop {Loop} of {Loops}:"));

        _steps.Show(judged);

        Assert.Equal(("LoopDone", "loop 1 kept True done 1"), _run.Observer.Calls[^1]);
        Assert.Equal(LogLevel.InfoLevel, _run.Log.Events.Single(e => e.Template.StartsWith("Loop {Loop} of {Loops}:")).Level);
        Assert.Equal(StoppedBy.Failure, _run.Books.Course.StoppedBy);
    }

    [Fact]
    public void A_spent_time_budget_finishes_the_run_and_says_so_a_loop_count_run_out_says_nothing_and_an_abort_gives_its_reason()
    {
        Released();
        _run.Books.End(null, stillRunning: true);

        var judged = _steps.Judged(1, Verified(), StoppedBy.Duration, NextReset.NotRun.Instance);

        var finish = Assert.IsType<AfterVerdict.Finish>(judged.After);
        Assert.Equal(StoppedBy.Failure, _run.Books.Course.StoppedBy);
        Assert.Null(_steps.Stopped(finish));
        Assert.Equal(StoppedBy.Duration, _run.Books.Course.StoppedBy);
        var spent = _run.Log.Single("Run {RunId}: the time budget of {DurationS} s is spent after {LoopsRun} loops");
        Assert.Equal<object?>([RunId, 30.0, 1], spent.Args);

        Assert.Null(_steps.Stopped(new AfterVerdict.Finish(null, StoppedBy.Loops)));
        Assert.Equal(StoppedBy.Loops, _run.Books.Course.StoppedBy);
        Assert.Equal("lost node node-2", _steps.Stopped(new AfterVerdict.Finish("lost node node-2")));
        Assert.Single(_run.Log.Events, e => e.Template.Contains("time budget"));
    }

    [Fact]
    public async Task The_scenario_prepares_and_judges_the_loop_off_the_caller_s_thread()
    {
        await _steps.Prepare(1).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([1], _scenario.Prepared);
        Assert.Equal<object?>([1, Settings.Scenario],
            _run.Log.Single("Loop {Loop}: scenario {Scenario} prepares the loop while the nodes park their tasks").Args);

        Released();
        _steps.File(Committed(1, "task-1", "node-1", 0));
        _steps.File(Committed(1, "task-2", "node-1", 1));
        _steps.File(Committed(1, "task-3", "node-2", 2));
        var judged = await _steps.Judge(_run.Books.End(null, stillRunning: true)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Verdict.Verified, judged.Verification.Verdict);
        Assert.Null(judged.Stopped);
        Assert.Equal(NextReset.Done.Instance, judged.Next);
        Assert.Equal([1, 2], _scenario.Prepared);
    }

    /// <summary>A counter read as the number of tasks that reported, judged as the SQLite counter is; records the loops it prepared.</summary>
    private sealed class PreparedLoops : Scenario
    {
        private readonly List<int> _prepared = new();

        public IReadOnlyList<int> Prepared
        {
            get { lock (_prepared) return _prepared.ToList(); }
        }

        public override void BeforeTasks(LoopContext context)
        {
            lock (_prepared) _prepared.Add(context.Loop);
        }

        public override IScenarioTask CreateTask(TaskContext context) => throw new NotSupportedException("no tasks here");

        public override ScenarioOutcome AfterTasks(LoopContext context) => new("counter = 3", 3);

        public override ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results) =>
            Scenarios.SqliteCounter.CounterScenario.Judge(context.Run.Tasks, outcome.Value, results);
    }
}
