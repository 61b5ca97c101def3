using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;

namespace ActorRunner.Orchestrator.Tests.Books;

public sealed class LoopBookSpecs
{
    private static LoopRecord Loop(int number, Verdict verdict = Verdict.Verified, double spreadMs = 1)
    {
        var verification = new LoopVerification(verdict, 2, new ScenarioOutcome("counter = 2", 2), 2, 0, [], [], [],
            new Dictionary<string, long>());
        var timings = new LoopTimings(new Percentiles(spreadMs / 2, spreadMs, spreadMs), Percentiles.Empty, Percentiles.Empty, Percentiles.Empty,
            spreadMs / 10, 500);
        var report = new TaskReport(number, "task-1", "node-1", TaskOutcome.Committed, 0, 1, new TaskPhases(1, 2, 3, 4, 5, 6, 7), TaskFailure.None, null);
        return new LoopRecord(number, 0, verification, timings, 30, 0, [report]);
    }

    private static IReadOnlyList<TimelineEvent> Events(int loop) =>
        [new TimelineEvent(loop, TimelineRecorder.Orchestrator, loop, null, "loop-verdict")];

    [Fact]
    public void The_first_loops_are_kept_and_every_loop_is_counted()
    {
        var book = new LoopBook();
        for (var i = 1; i <= 500; i++) book.Add(Loop(i), Events(i));

        Assert.Equal(500, book.LoopsRun);
        Assert.Equal(500, book.Verified);
        Assert.Equal(Verdict.Verified, book.Worst);
        Assert.Equal(Enumerable.Range(1, LoopDetail.FirstLoops), book.Kept.Select(k => k.Record.Loop));
        Assert.All(book.Kept, k => Assert.Equal(k.Record.Loop, Assert.Single(k.Events).Loop));
    }

    [Fact]
    public void A_loop_not_verified_is_kept_with_the_loop_before_it()
    {
        var book = new LoopBook();
        for (var i = 1; i <= 300; i++) book.Add(Loop(i, i == 157 ? Verdict.Violated : Verdict.Verified), Events(i));

        Assert.Equal(1, book.Violated);
        Assert.Equal(Verdict.Violated, book.Worst);
        var kept = book.Kept.Select(k => k.Record.Loop).ToList();
        Assert.Contains(156, kept);
        Assert.Contains(157, kept);
        Assert.DoesNotContain(158, kept);
        Assert.Equal(LoopDetail.FirstLoops + 2, kept.Count);
    }

    [Fact]
    public void Loops_not_verified_beyond_the_bound_are_counted_not_kept()
    {
        var book = new LoopBook();
        var loops = LoopDetail.FirstLoops + LoopBook.MaxNotVerified + 250;
        for (var i = 1; i <= loops; i++) book.Add(Loop(i, i > LoopDetail.FirstLoops ? Verdict.Inconclusive : Verdict.Verified), Events(i));

        Assert.Equal(loops - LoopDetail.FirstLoops, book.Inconclusive);
        Assert.Equal(250, book.NotVerifiedNotKept);
        Assert.Equal(LoopDetail.FirstLoops + LoopBook.MaxNotVerified, book.KeptCount);
        Assert.Equal(250, book.Summary(TimeSpan.FromSeconds(1)).NotVerifiedNotKept);
    }

    [Fact]
    public void A_sample_is_kept_and_thins_out_so_that_it_stays_within_its_bound()
    {
        var book = new LoopBook();
        var loops = LoopDetail.SampleEvery * (LoopBook.MaxSamples * 2 + 10);
        for (var i = 1; i <= loops; i++) book.Add(Loop(i), []);

        var samples = book.Kept.Select(k => k.Record.Loop).Where(l => l > LoopDetail.FirstLoops).ToList();
        Assert.InRange(samples.Count, LoopBook.MaxSamples / 2, LoopBook.MaxSamples);
        Assert.All(samples, l => Assert.Equal(0, l % book.SampleEvery));
        Assert.True(book.SampleEvery > LoopDetail.SampleEvery);
        Assert.Equal(loops, book.LoopsRun);
    }

    [Fact]
    public void The_summary_folds_every_loop_s_figures()
    {
        var book = new LoopBook();
        for (var i = 1; i <= 1000; i++) book.Add(Loop(i, spreadMs: i), []);

        var summary = book.Summary(TimeSpan.FromSeconds(10));

        Assert.Equal(1000, summary.LoopsRun);
        Assert.Equal(1000, summary.ReleaseSpreadMs.Max);
        Assert.InRange(summary.ReleaseSpreadMs.P50, 500 * 0.99, 500 * 1.01);
        Assert.InRange(summary.ReleaseSpreadMs.P99, 990 * 0.99, 990 * 1.01);
        Assert.Equal(100, summary.LoopsPerSecond, 6);
        Assert.Equal(500, summary.CriticalSectionsPerSecond.Max, 6);
    }
    [Fact]
    public void The_progress_counts_the_loops_and_their_verdicts()
    {
        var book = new LoopBook();
        book.Add(Loop(1), Events(1));
        book.Add(Loop(2, Verdict.Violated), Events(2));
        book.Add(Loop(3, Verdict.Inconclusive), Events(3));

        Assert.Equal(new LoopProgress(3, 1, 1, 1, TimeSpan.FromSeconds(2)), book.Progress(TimeSpan.FromSeconds(2)));
    }
}
