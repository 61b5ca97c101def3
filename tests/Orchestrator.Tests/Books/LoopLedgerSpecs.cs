using ActorRunner.Messages;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;

namespace ActorRunner.Orchestrator.Tests.Books;

public sealed class LoopLedgerSpecs
{
    private static TaskReport Report(int loop, string task, string node = "node-1") =>
        new(loop, task, node, TaskOutcome.Committed, 0, 1, new TaskPhases(1, 2, 3, 4, 5, 6, 7), TaskFailure.None, null);

    [Fact]
    public void A_report_is_filed_once_for_its_own_loop_and_the_loop_is_complete_when_every_task_is_accounted_for()
    {
        var ledger = new LoopLedger(expectedTasks: 2);
        ledger.Begin(3, startUs: 1000);

        Assert.Equal(Filing.OtherLoop, ledger.File(Report(2, "task-1")));
        Assert.Equal(Filing.Filed, ledger.File(Report(3, "task-1")));
        Assert.Equal(Filing.Duplicate, ledger.File(Report(3, "task-1")));
        Assert.False(ledger.Complete);
        Assert.Equal(Filing.Filed, ledger.File(Report(3, "task-2")));

        Assert.True(ledger.Complete);
        Assert.Equal(2, ledger.Accounted);
        Assert.Equal(["task-1", "task-2"], ledger.Reports.Select(r => r.TaskId));
        Assert.All(ledger.Reports, r => Assert.Equal(3, r.Loop));
    }

    [Fact]
    public void Giving_up_names_only_the_tasks_not_yet_accounted_for_and_a_later_report_of_one_is_not_counted()
    {
        var ledger = new LoopLedger(expectedTasks: 3);
        ledger.Begin(1, 0);
        ledger.File(Report(1, "task-1"));

        var givenUp = ledger.GiveUp("node-1", ["task-1", "task-2", "task-3"], "lost with its node", indeterminate: true);
        var again = ledger.GiveUp("node-1", ["task-1", "task-2", "task-3"], "never released", indeterminate: false);

        Assert.Equal((2, 0), (givenUp, again));
        Assert.True(ledger.Complete);
        Assert.Equal(["task-2", "task-3"], ledger.Missing.Select(m => m.Task));
        Assert.All(ledger.Missing, m => Assert.Equal(("node-1", "lost with its node", true), (m.Node, m.Error, m.Indeterminate)));
        Assert.True(ledger.IsIndeterminate("task-2"));
        Assert.False(ledger.IsIndeterminate("task-1"));
        Assert.Equal(Filing.Duplicate, ledger.File(Report(1, "task-2")));
        Assert.Single(ledger.Reports);
        Assert.Empty(ledger.Unaccounted(["task-1", "task-2", "task-3"]));
        Assert.Equal(["task-4"], ledger.Unaccounted(["task-3", "task-4"]));
    }

    [Fact]
    public void The_first_reason_to_cut_a_loop_short_stands_and_notes_are_added_to_it()
    {
        var ledger = new LoopLedger(1);
        ledger.Begin(1, 0);
        ledger.AddToAbort("no task was released");
        Assert.Equal("no task was released", ledger.Abort);

        ledger.Begin(2, 0);
        ledger.CutShort(null);
        Assert.Null(ledger.Abort);
        ledger.CutShort("lost node-2");
        ledger.CutShort("barrier timeout");
        ledger.AddToAbort("no task was released");

        Assert.Equal("lost node-2; no task was released", ledger.Abort);
    }

    [Fact]
    public void A_new_loop_starts_with_clean_books()
    {
        var ledger = new LoopLedger(2);
        ledger.Begin(1, startUs: 10);
        ledger.NodeReady("node-1");
        ledger.NodeReady("node-1");
        ledger.MarkPrepared();
        ledger.Released(sentUs: 100, atUs: 20_100);
        ledger.File(Report(1, "task-1"));
        ledger.GiveUp("node-2", ["task-2"], "never released", false);
        ledger.CutShort("barrier timeout");

        Assert.Equal((1, true, true, 20_100L, 100L), (ledger.ReadyNodes, ledger.Prepared, ledger.WasReleased, ledger.ReleaseAtUs, ledger.ReleaseSentUs));
        Assert.True(ledger.IsReady("node-1"));

        ledger.Begin(2, startUs: 50);

        Assert.Equal((2, 50L), (ledger.Loop, ledger.StartUs));
        Assert.Equal((0, false, false, 0L, 0L), (ledger.ReadyNodes, ledger.Prepared, ledger.WasReleased, ledger.ReleaseAtUs, ledger.ReleaseSentUs));
        Assert.False(ledger.IsReady("node-1"));
        Assert.Equal(0, ledger.Accounted);
        Assert.Null(ledger.Abort);
        Assert.Equal(Filing.Filed, ledger.File(Report(2, "task-1")));
    }

    private static TaskReport Held(string task, string node, long acquiredUs, long releasedUs, TaskFailure failure = TaskFailure.None) =>
        new(1, task, node, failure == TaskFailure.None ? TaskOutcome.Committed : TaskOutcome.Failed, 0, 1,
            new TaskPhases(1, 2, 3, acquiredUs, 5, 6, releasedUs), failure, failure == TaskFailure.None ? null : "the lock was not acquired in time");

    private static RosterNode Node(string id, params string[] tasks) => new(id, local: true, tasks, firstTaskIndex: 0);

    [Fact]
    public void At_a_barrier_timeout_the_nodes_not_ready_are_named_and_their_tasks_never_released()
    {
        var nodes = new[] { Node("node-1", "task-1", "task-2"), Node("node-2", "task-3") };
        var ledger = new LoopLedger(3);
        ledger.Begin(1, 0);
        ledger.NodeReady("node-1");

        Assert.Equal(["node-2"], ledger.NotReady(nodes));
        ledger.NeverReleased(nodes);

        Assert.True(ledger.Complete);
        Assert.All(ledger.Missing, m => Assert.Equal(("never released", false), (m.Error, m.Indeterminate)));
        Assert.Equal(["node-1", "node-1", "node-2"], ledger.Missing.Select(m => m.Node));
    }

    [Fact]
    public void At_a_loop_timeout_the_silent_nodes_are_named_with_how_many_tasks_and_their_tasks_may_have_acted()
    {
        var nodes = new[] { Node("node-1", "task-1", "task-2"), Node("node-2", "task-3", "task-4", "task-5"), Node("node-3", "task-6") };
        var ledger = new LoopLedger(6);
        ledger.Begin(2, 0);
        ledger.File(Report(2, "task-1", "node-1"));
        ledger.File(Report(2, "task-6", "node-3"));

        Assert.Equal(["node-1 (1 tasks)", "node-2 (3 tasks)"], ledger.GiveUpSilent(nodes));
        Assert.True(ledger.Complete);
        Assert.All(ledger.Missing, m => Assert.Equal(("no report before the loop timeout", true), (m.Error, m.Indeterminate)));
        Assert.Empty(ledger.GiveUpSilent(nodes));
    }

    [Fact]
    public void The_nodes_that_may_hold_the_store_are_the_lost_ones_and_those_with_a_task_given_up_as_possibly_acted()
    {
        var lost = Node("node-1", "task-1");
        var silent = Node("node-2", "task-2");
        var sound = Node("node-3", "task-3");
        var ledger = new LoopLedger(3);
        ledger.Begin(4, 0);
        Assert.Equal("", ledger.SuspectsNote([lost, silent, sound]));

        lost.Lose("exited with code 137");
        ledger.GiveUp("node-2", ["task-2"], "no report before the loop timeout", indeterminate: true);
        ledger.GiveUp("node-3", ["task-3"], "never released", indeterminate: false);

        Assert.Equal(" (nodes lost or silent in loop 4, one of which may hold the store: node-1, node-2)", ledger.SuspectsNote([lost, silent, sound]));
    }

    [Fact]
    public void What_the_loop_is_judged_by_is_a_copy_of_the_books_when_it_ended()
    {
        var ledger = new LoopLedger(2);
        ledger.Begin(5, 0);
        ledger.File(Report(5, "task-1"));
        ledger.GiveUp("node-2", ["task-2"], "lost with its node", indeterminate: false);
        ledger.AddToAbort("no task was released, the outcome was not read");

        var close = ledger.Close();
        ledger.Begin(6, 0);

        Assert.Equal((5, 2, "no task was released, the outcome was not read", false), (close.Loop, close.Expected, close.Abort, close.Read));
        Assert.Equal(["task-1"], close.Reports.Select(r => r.TaskId));
        Assert.Equal(["task-2"], close.Missing.Select(m => m.Task));
        ledger.Released(100, 200);
        Assert.True(ledger.Close().Read);
    }

    [Fact]
    public void The_loop_s_record_has_its_duration_its_release_lead_its_late_nodes_and_names_a_holder_that_outlasted_the_lock_timeout()
    {
        var ledger = new LoopLedger(2);
        ledger.Begin(3, startUs: 1_000_000);
        ledger.Released(sentUs: 1_100_000, atUs: 1_120_000);
        ledger.File(Held("task-1", "node-1", acquiredUs: 1_200_000, releasedUs: 2_800_000) with { Loop = 3 });
        ledger.File(Held("task-2", "node-2", 0, 0, TaskFailure.LockTimeout) with { Loop = 3 });
        var verification = new LoopVerification(Verdict.Inconclusive, 2, new ScenarioOutcome("counter = 1", 1), 1, 0, [], [], ["a finding"],
            new Dictionary<string, long>());
        var clocks = new Dictionary<string, NodeClock> { ["node-1"] = NodeClock.Same, ["node-2"] = NodeClock.Same };

        var record = ledger.Record(loops: 10, verification, lockTimeout: TimeSpan.FromSeconds(1), clocks, ["node-2"], nowUs: 3_500_000);

        Assert.Equal((3, 10, 2500.0, 1_120_000L, 20.0), (record.Loop, record.Loops, record.DurationMs, record.ReleaseAtUs, record.ReleaseLeadMs));
        Assert.Equal(["node-2"], record.LateReleaseNodes);
        Assert.Equal(["task-1", "task-2"], record.Reports.Select(r => r.TaskId));
        Assert.Equal(2, record.Verification.Findings.Count);
        Assert.Equal("a finding", record.Verification.Findings[0]);
        Assert.Contains("task task-1 on node-1 held it for 1.6 s", record.Verification.Findings[1]);

        // Held for less than the lock timeout: no finding is added.
        Assert.Single(ledger.Record(10, verification, TimeSpan.FromSeconds(2), clocks, [], 3_500_000).Verification.Findings);
        // Nothing released: no lead.
        ledger.Begin(4, 0);
        Assert.Equal(0, ledger.Record(10, verification, TimeSpan.FromSeconds(1), clocks, [], 1_000).ReleaseLeadMs);
    }
    [Fact]
    public void A_node_lost_gives_up_its_tasks_as_possibly_acted_only_once_released_and_cuts_the_loop_short()
    {
        var node = Node("node-2", "task-3", "task-4");
        var ledger = new LoopLedger(4);
        ledger.Begin(1, 0);
        ledger.Lost(node, "node node-2 (pid 7) exited with code 137");

        Assert.Equal("lost node node-2 (pid 7) exited with code 137", ledger.Abort);
        Assert.All(ledger.Missing, m => Assert.Equal(("lost with its node: node node-2 (pid 7) exited with code 137", false), (m.Error, m.Indeterminate)));

        ledger.Begin(2, 0);
        ledger.Released(10, 20);
        ledger.File(Report(2, "task-3", "node-2"));
        ledger.Lost(node, "node node-2 at akka.tcp://x@h:1 is unreachable");
        Assert.Equal(["task-4"], ledger.Missing.Select(m => m.Task));
        Assert.True(ledger.IsIndeterminate("task-4"));
    }
}
