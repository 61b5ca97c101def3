using System.Text.Json;
using System.Text.Json.Serialization;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;

namespace ActorRunner.Orchestrator.Reporting;

/// <summary>
/// report.json, schema version 1: a contract that the benchmark and other tools read. <see cref="Loops"/> holds the
/// loops kept in full (all of them up to <see cref="ActorRunner.Messages.LoopDetail.FirstLoops"/>; then those not verified, the loop
/// before each, and a sample); <see cref="Summary"/> has the figures of every loop that ran.
/// Every figure that compares instants of different nodes is computed in the orchestrator's clock (<see cref="NodeClock"/>).
/// </summary>
public sealed record RunReport(
    int SchemaVersion,
    string RunId,
    string Verdict,
    int ExitCode,
    bool Interrupted,
    string? AbortReason,
    int LoopsRun,
    StoppedBy StoppedBy,
    DateTimeOffset StartedAt,
    RunReport.Machine Host,
    RunSettings Settings,
    IReadOnlyList<RunReport.Node> Nodes,
    RunReport.LoopFigures Summary,
    IReadOnlyList<RunReport.Loop> Loops,
    double StartupMs,
    double TotalMs,
    IReadOnlyList<ClockStep> ClockSteps)
{
    public sealed record Machine(string Name, int Cores, string Os, string Runtime)
    {
        /// <summary>Whether its CPUs were held out of slow idle states for the run (release.keep-cpus-awake, where permitted).</summary>
        public bool CpusKeptAwake { get; init; }
    }

    public sealed record Node(string Id, int Pid, string Host, int Tasks, double JoinMs, bool Local, int? ExitCode, string? Lost,
        double ClockOffsetMs, double ClockUncertaintyMs)
    {
        /// <summary>How its tasks waited for the release (spin or wake), and the cores the node reported.</summary>
        public Messages.ReleaseWait ReleaseWait { get; init; }
        public int Cores { get; init; }
    }

    /// <summary>Every loop that ran, in figures: verdict counts, and percentiles over the loops of each loop's figure.</summary>
    public sealed record LoopFigures(int LoopsRun, long Verified, long Violated, long Inconclusive, int KeptLoops, long NotVerifiedNotKept,
        Percentiles ReleaseSpreadMs, Percentiles FirstResumeSpreadMs, Percentiles CriticalSectionsPerSecond, Percentiles LoopMs,
        double LoopsPerSecond)
    {
        public static LoopFigures Of(LoopSummary s) => new(s.LoopsRun, s.Verified, s.Violated, s.Inconclusive, s.KeptLoops, s.NotVerifiedNotKept,
            Round(s.ReleaseSpreadMs), Round(s.FirstResumeSpreadMs), Round(s.CriticalSectionsPerSecond), Round(s.LoopMs), Math.Round(s.LoopsPerSecond, 2));
    }

    /// <summary>Per-task phase durations of a loop.</summary>
    public sealed record Phases(Percentiles WaitForReleaseMs, Percentiles LockWaitMs, Percentiles HoldMs);

    public sealed record Loop(
        int Number,
        int Expected,
        long Counter,
        string Outcome,
        IReadOnlyDictionary<string, long>? Counts,
        IReadOnlyDictionary<string, long> Figures,
        string Verdict,
        int Acknowledged,
        long LostUpdates,
        IReadOnlyList<Collision> Collisions,
        int Indeterminate,
        IReadOnlyList<TaskError> Errors,
        IReadOnlyList<string> Findings,
        Percentiles ReleaseSpreadMs,
        double FirstResumeSpreadMs,
        string? ReleaseSpreadNote,
        Percentiles LockWaitMs,
        Percentiles HoldMs,
        Phases Phases,
        double CriticalSectionsPerSecond,
        double DurationMs,
        IReadOnlyDictionary<string, Clock> Clocks)
    {
        /// <summary>How far ahead of its instant the Release was sent.</summary>
        public double ReleaseLeadMs { get; init; }

        /// <summary>Nodes that had the Release only after its instant.</summary>
        public IReadOnlyList<string> LateReleaseNodes { get; init; } = [];

        /// <summary>A loop as the report shows it, its figures rounded; <paramref name="spreadNote"/> said beside its release spread.</summary>
        public static Loop Of(LoopRecord loop, string? spreadNote)
        {
            var (verification, timings) = (loop.Verification, loop.Timings);
            return new Loop(
                Number: loop.Loop,
                Expected: verification.Expected,
                Counter: verification.Counter,
                Outcome: verification.Outcome.Summary,
                Counts: verification.Outcome.Counts,
                Figures: verification.Figures,
                Verdict: verification.Verdict.Name(),
                Acknowledged: verification.Acknowledged,
                LostUpdates: verification.LostUpdates,
                Collisions: verification.Collisions,
                Indeterminate: verification.Indeterminate,
                Errors: verification.Errors,
                Findings: verification.Findings,
                ReleaseSpreadMs: Round(timings.ReleaseSpreadMs),
                FirstResumeSpreadMs: Math.Round(timings.FirstResumeSpreadMs, 3),
                ReleaseSpreadNote: spreadNote,
                LockWaitMs: Round(timings.LockWaitMs),
                HoldMs: Round(timings.HoldMs),
                Phases: new Phases(WaitForReleaseMs: Round(timings.WaitForReleaseMs), LockWaitMs: Round(timings.LockWaitMs), HoldMs: Round(timings.HoldMs)),
                CriticalSectionsPerSecond: Math.Round(timings.CriticalSectionsPerSecond, 1),
                DurationMs: Math.Round(loop.DurationMs, 3),
                Clocks: (loop.Clocks ?? new Dictionary<string, NodeClock>()).ToDictionary(c => c.Key, c => new Clock(c.Value.OffsetUs / 1000.0, c.Value.UncertaintyUs / 1000.0)))
            {
                ReleaseLeadMs = Math.Round(loop.ReleaseLeadMs, 3),
                LateReleaseNodes = loop.LateReleaseNodes,
            };
        }
    }

    /// <summary>A node's clock as this loop's figures took it: orchestrator minus node, and how certain that is.</summary>
    public sealed record Clock(double OffsetMs, double UncertaintyMs);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower), new DurationConverter(), new AutoDurationConverter() },
        TypeInfoResolver = GeneratedJson.Resolver,
    };

    public static RunReport From(RunContext run, RunSettings settings, RunOutcome outcome, ExitCode exitCode, double totalMs)
    {
        var note = SpreadNote(settings.Tasks);
        var remote = outcome.Nodes.Where(n => !n.Local).ToList();
        if (remote.Count > 0)
        {
            var uncertainty = remote.Max(n => n.ClockUncertaintyUs) / 1000.0;
            note = (note is null ? "" : note + "; ") +
                   $"nodes on other machines: each waits for the release instant in its own clock, corrected by its measured offset, so the spread across machines is bounded by the clock uncertainty (up to {uncertainty:0.###} ms)";
        }
        return new RunReport(
            SchemaVersion: 1,
            RunId: run.RunId,
            Verdict: outcome.Verdict.Name(),
            ExitCode: (int)exitCode,
            Interrupted: outcome.Interrupted,
            AbortReason: outcome.AbortReason,
            LoopsRun: outcome.Summary.LoopsRun,
            StoppedBy: outcome.StoppedBy,
            StartedAt: DateTimeOffset.FromUnixTimeMilliseconds(run.ProcessStartUs / 1000),
            Host: new Machine(Environment.MachineName, Environment.ProcessorCount, System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription) { CpusKeptAwake = run.CpusKeptAwake },
            Settings: settings with { Token = settings.Token.Length > 0 ? "(set)" : "", ScenarioSettings = WithoutSecrets(settings.ScenarioSettings) },
            Nodes: outcome.Nodes.Select(n => new Node(n.Id, n.Pid, n.Host, n.TaskIds.Count, n.JoinMs, n.Local, n.ExitCode, n.Lost,
                n.ClockOffsetUs / 1000.0, n.ClockUncertaintyUs / 1000.0) { ReleaseWait = n.ReleaseWait, Cores = n.Cores }).ToList(),
            Summary: LoopFigures.Of(outcome.Summary),
            Loops: outcome.Loops.Select(l => Loop.Of(l, note)).ToList(),
            StartupMs: Math.Round(outcome.StartupMs, 1),
            TotalMs: Math.Round(totalMs, 1),
            ClockSteps: outcome.Steps.Select(s => s with { StepMs = Math.Round(s.StepMs, 3), UncertaintyMs = Math.Round(s.UncertaintyMs, 3) }).ToList());
    }

    /// <summary>With more tasks than cores not every task can run at one instant: said next to the spread.</summary>
    public static string? SpreadNote(int tasks) =>
        tasks > Environment.ProcessorCount
            ? $"{tasks} tasks on {Environment.ProcessorCount} cores: at most {Environment.ProcessorCount} can resume at the same instant; the spread is bounded by the time the cores take to wake every task thread (firstResumeSpreadMs: the spread of each node's first task)"
            : null;

    /// <summary>Passwords in scenario settings (a connection string's Password=...) are not written to the report.</summary>
    public static IReadOnlyDictionary<string, string> WithoutSecrets(IReadOnlyDictionary<string, string> values) =>
        values.ToDictionary(kv => kv.Key, kv => kv.Key.Contains("password", StringComparison.OrdinalIgnoreCase)
            ? "(set)"
            : System.Text.RegularExpressions.Regex.Replace(kv.Value, @"(?i)\b(password|pwd)\s*=\s*[^;]*", "$1=(set)"));

    private static Percentiles Round(Percentiles p) => new(Math.Round(p.P50, 3), Math.Round(p.P99, 3), Math.Round(p.Max, 3));

    /// <summary>Writes the report through a temporary file, so a reader never sees half of it.</summary>
    public void WriteTo(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>Durations as HOCON writes them ("10s", "250ms"), so a report's settings can be pasted back into a config.</summary>
public sealed class DurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Akka.Configuration.ConfigurationFactory.ParseString($"d = {reader.GetString()}").GetTimeSpan("d");

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.TotalMilliseconds % 1000 == 0 ? $"{value.TotalSeconds:0}s" : $"{value.TotalMilliseconds:0.###}ms");
}

/// <summary>A duration that may be "auto" (null), such as release-lead.</summary>
public sealed class AutoDurationConverter : JsonConverter<TimeSpan?>
{
    private readonly DurationConverter _duration = new();

    public override bool HandleNull => true;

    public override TimeSpan? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null || reader.GetString() == "auto" ? null : _duration.Read(ref reader, typeof(TimeSpan), options);

    public override void Write(Utf8JsonWriter writer, TimeSpan? value, JsonSerializerOptions options)
    {
        if (value is { } duration) _duration.Write(writer, duration, options);
        else writer.WriteStringValue("auto");
    }
}
