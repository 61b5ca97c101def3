using ActorRunner.Messages;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Releasing;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;
using Akka.Actor;

namespace ActorRunner.Orchestrator.Tests.Books;

/// <summary>One node with two tasks, two loops, a fixed 10 ms release lead.</summary>
public sealed class RunBooksSpecs
{
    private const string RunId = "run-books";
    private const string Token = "token-books";

    private static readonly RunSettings Settings = SettingsLoader.Load(
        new[] { "tasks=2", "nodes=1", "loops=2", "release-lead=10ms" }.Select(SettingsLoader.FromAssignment).ToList()).Settings;

    private readonly TimelineRecorder _timeline = new(0);
    private readonly RunBooks _books;

    public RunBooksSpecs() => _books = new RunBooks(Settings, _timeline, new ReleaseTiming(Settings.ReleaseDelay, Settings.ReleaseLead, new RecordingLog()));

    private void Join() =>
        _books.Roster.Admit(new RegisterNode(RunId, Token, "node-1", 10, "host", Protocol.Version), new RecordingRef("node-1"), RunId, Token, 1.0);

    private static TaskReport Committed(int loop, string task, long observed) =>
        new(loop, task, "node-1", TaskOutcome.Committed, observed, observed + 1, new TaskPhases(1, 2, 3, 4, 5, 6, 7), TaskFailure.None, null);

    private static LoopVerification Verified() =>
        new(Verdict.Verified, 2, new ScenarioOutcome("counter = 2", 2), 2, 0, [], [], [], new Dictionary<string, long>());

    [Fact]
    public void A_loop_is_released_once_prepared_with_every_node_parked_and_the_release_is_in_its_ledger()
    {
        _books.Begin(1, prepared: false, nowUs: 1_000);
        Assert.Equal((1, 1_000L), (_books.Ledger.Loop, _books.Course.FirstLoopStartUs));

        _books.Ledger.NodeReady("node-1");
        Assert.False(_books.ReadyToRelease, "the scenario has not prepared the loop");
        _books.Ledger.MarkPrepared();
        Assert.True(_books.ReadyToRelease);

        var release = _books.Release(nowUs: 2_000);
        Assert.Equal(new ReleaseInstant(2_000, 12_000, TimeSpan.FromMilliseconds(10)), release);
        Assert.Equal((2_000L, 12_000L), (_books.Ledger.ReleaseSentUs, _books.Ledger.ReleaseAtUs));
    }

    [Fact]
    public void The_next_loop_is_parked_ahead_but_not_after_the_last_and_starts_prepared_with_its_nodes_parked()
    {
        Join();
        _books.Begin(1, prepared: false, nowUs: 1_000);

        Assert.Equal(["node-1"], _books.ParkAhead(nowUs: 2_000).Select(n => n.Id));
        var start = _books.Begin(2, prepared: true, nowUs: 3_000);

        Assert.Empty(_books.ToPark(start));
        Assert.True(_books.Ledger.Prepared);
        Assert.Empty(_books.ParkAhead(nowUs: 4_000));
    }

    [Fact]
    public void A_loop_cut_short_at_its_barrier_gives_up_its_tasks_as_never_released_and_is_not_read()
    {
        _books.Begin(1, prepared: true, nowUs: 1_000);

        var end = _books.End("barrier timeout after 1 s: not ready: node-1", stillRunning: false);

        Assert.Equal(["never released", "never released"], end.Close.Missing.Select(m => m.Error));
        Assert.Equal("barrier timeout after 1 s: not ready: node-1; no task was released, the outcome was not read", end.Close.Abort);
        Assert.False(end.Close.Read);
        Assert.False(end.MayGoOn);
        Assert.Equal("", end.Suspects);
        Assert.Equal(new AfterVerdict.Finish(end.Close.Abort), _books.After(Verdict.Inconclusive, null, NextReset.NotRun.Instance));
    }

    [Fact]
    public void A_loop_whose_tasks_all_reported_may_go_on_and_once_judged_is_kept_with_its_verdict_on_the_timeline()
    {
        _books.Begin(1, prepared: true, nowUs: 1_000);
        _books.Release(nowUs: 2_000);
        _books.Ledger.File(Committed(1, "task-1", 0));
        _books.Ledger.File(Committed(1, "task-2", 1));

        var end = _books.End(null, stillRunning: true);
        var (record, kept) = _books.Judged(1, Verified(), nowUs: 51_000);

        Assert.True(end.MayGoOn);
        Assert.True(end.Close.Read);
        Assert.Null(end.Close.Abort);
        Assert.True(kept, "the first loops are kept in full");
        Assert.Equal((1, 50.0, 10.0), (record.Loop, record.DurationMs, record.ReleaseLeadMs));
        Assert.Equal(51_000, _books.Course.LastVerdictUs);
        var events = Assert.Single(_books.Loops.Kept).Events;
        Assert.Equal("verified: counter = 2", Assert.Single(events, e => e.Event == "loop-verdict").Detail);
        Assert.Equal(new AfterVerdict.NextLoop(Prepared: true), _books.After(Verdict.Verified, null, NextReset.Done.Instance));
    }

    [Fact]
    public void The_outcome_covers_the_loops_judged_and_ends_the_timeline_and_a_run_cut_short_is_at_best_inconclusive()
    {
        _books.Begin(1, prepared: true, nowUs: 1_000);
        _books.Release(nowUs: 2_000);
        _books.End(null, stillRunning: true);
        _books.Judged(1, Verified(), nowUs: 3_000);
        _books.Course.Abort("interrupted");

        var outcome = _books.Outcome();

        Assert.Equal(Verdict.Inconclusive, outcome.Verdict);
        Assert.Equal([1], outcome.Loops.Select(l => l.Loop));
        Assert.Equal(["node-1"], outcome.Nodes.Select(n => n.Id));
        Assert.Equal("inconclusive", Assert.Single(outcome.Events, e => e.Event == "run-ended").Detail);
    }
}
