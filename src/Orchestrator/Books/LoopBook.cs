using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;

namespace ActorRunner.Orchestrator.Books;

/// <summary>A run's loops in figures: every loop counted, the figures of each folded in.</summary>
/// <param name="LoopsRun">Loops that ended with a verdict.</param>
/// <param name="KeptLoops">Loops kept in full (report.json's loops, the timeline's).</param>
/// <param name="NotVerifiedNotKept">Loops not verified beyond <see cref="LoopBook.MaxNotVerified"/>: counted, not kept.</param>
/// <param name="ReleaseSpreadMs">Over the loops: each loop's release spread (last minus first task to resume).</param>
/// <param name="FirstResumeSpreadMs">Over the loops: each loop's spread of every node's first task.</param>
/// <param name="CriticalSectionsPerSecond">Over the loops: each loop's rate.</param>
/// <param name="LoopMs">Over the loops: each loop's duration, from its preparation to its verdict.</param>
/// <param name="LoopsPerSecond">Loops run over the time from the first loop's start to the last one's verdict.</param>
public sealed record LoopSummary(
    int LoopsRun,
    long Verified,
    long Violated,
    long Inconclusive,
    int KeptLoops,
    long NotVerifiedNotKept,
    Percentiles ReleaseSpreadMs,
    Percentiles FirstResumeSpreadMs,
    Percentiles CriticalSectionsPerSecond,
    Percentiles LoopMs,
    double LoopsPerSecond);

/// <summary>
/// The orchestrator's book of loops, in bounded memory however many loops run: every loop is folded into running
/// figures (verdict counts, percentiles over the loops in fixed memory), and kept in full (every task's report,
/// every timeline event) only when it is one of the first <see cref="LoopDetail.FirstLoops"/>, a loop that was not
/// verified (at most <see cref="MaxNotVerified"/>, counted beyond) with the loop before it, or a sample (every
/// <see cref="LoopDetail.SampleEvery"/>-th loop, at most <see cref="MaxSamples"/>: past that the sample thins out,
/// every other one dropped and the interval doubled).
/// </summary>
public sealed class LoopBook
{
    public const int MaxNotVerified = 1000;
    public const int MaxSamples = 200;

    /// <summary>A loop kept in full: its record and its timeline events.</summary>
    public sealed record Entry(LoopRecord Record, IReadOnlyList<TimelineEvent> Events);

    [Flags]
    private enum Why { None = 0, First = 1, NotVerified = 2, BeforeNotVerified = 4, Sample = 8 }

    private readonly SortedDictionary<int, (Entry Entry, Why Why)> _kept = new();
    private readonly RunningPercentiles _spread = new();
    private readonly RunningPercentiles _firstResume = new();
    private readonly RunningPercentiles _rate = new();
    private readonly RunningPercentiles _loopMs = new();
    private Entry? _previous;
    private int _notVerifiedKept;
    private int _samples;

    public int LoopsRun { get; private set; }
    public long Verified { get; private set; }
    public long Violated { get; private set; }
    public long Inconclusive { get; private set; }
    public long NotVerifiedNotKept { get; private set; }

    /// <summary>Every how many loops one is kept as a sample (grows as the sample thins).</summary>
    public int SampleEvery { get; private set; } = LoopDetail.SampleEvery;

    /// <summary>The worst verdict of any loop; null before the first.</summary>
    public Verdict? Worst { get; private set; }

    /// <summary>The loops kept in full, in loop order.</summary>
    public IReadOnlyList<Entry> Kept => _kept.Values.Select(k => k.Entry).ToList();

    public int KeptCount => _kept.Count;

    /// <summary>Folds a loop in; true when it is kept in full.</summary>
    public bool Add(LoopRecord record, IReadOnlyList<TimelineEvent> events)
    {
        var verdict = record.Verification.Verdict;
        LoopsRun++;
        switch (verdict)
        {
            case Verdict.Verified: Verified++; break;
            case Verdict.Violated: Violated++; break;
            default: Inconclusive++; break;
        }
        Worst = Worst is { } worst ? worst.Worst(verdict) : verdict;
        _spread.Add(record.Timings.ReleaseSpreadMs.Max);
        _firstResume.Add(record.Timings.FirstResumeSpreadMs);
        _rate.Add(record.Timings.CriticalSectionsPerSecond);
        _loopMs.Add(record.DurationMs);

        var entry = new Entry(record, events);
        var why = Why.None;
        if (record.Loop <= LoopDetail.FirstLoops) why |= Why.First;
        if (verdict != Verdict.Verified)
        {
            if (_notVerifiedKept < MaxNotVerified)
            {
                _notVerifiedKept++;
                why |= Why.NotVerified;
                if (_previous is { } previous && previous.Record.Loop == record.Loop - 1) Keep(previous, Why.BeforeNotVerified);
            }
            else
            {
                NotVerifiedNotKept++;
            }
        }
        if (record.Loop % SampleEvery == 0)
        {
            why |= Why.Sample;
            _samples++;
        }
        if (why != Why.None) Keep(entry, why);
        if (_samples > MaxSamples) Thin();
        _previous = entry;
        return _kept.ContainsKey(record.Loop);
    }

    /// <summary>The loops so far as the console shows them, <paramref name="elapsed"/> since the first began.</summary>
    public LoopProgress Progress(TimeSpan elapsed) => new(LoopsRun, Verified, Violated, Inconclusive, elapsed);

    public LoopSummary Summary(TimeSpan loopsElapsed) => new(
        LoopsRun, Verified, Violated, Inconclusive, _kept.Count, NotVerifiedNotKept,
        _spread.Summary(), _firstResume.Summary(), _rate.Summary(), _loopMs.Summary(),
        loopsElapsed > TimeSpan.Zero ? LoopsRun / loopsElapsed.TotalSeconds : 0);

    private void Keep(Entry entry, Why why)
    {
        var loop = entry.Record.Loop;
        _kept[loop] = _kept.TryGetValue(loop, out var kept) ? (kept.Entry, kept.Why | why) : (entry, why);
    }

    /// <summary>Halves the sample: the interval doubles, and loops kept only as samples off the new interval go.</summary>
    private void Thin()
    {
        SampleEvery = SampleEvery > int.MaxValue / 2 ? int.MaxValue : SampleEvery * 2;
        foreach (var (loop, kept) in _kept.Where(k => k.Value.Why.HasFlag(Why.Sample) && k.Key % SampleEvery != 0).ToList())
        {
            var why = kept.Why & ~Why.Sample;
            if (why == Why.None) _kept.Remove(loop);
            else _kept[loop] = (kept.Entry, why);
        }
        _samples = _kept.Values.Count(k => k.Why.HasFlag(Why.Sample));
    }
}
