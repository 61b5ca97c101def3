using ActorRunner.Messages;
using ActorRunner.Orchestrator.Books;

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
}
