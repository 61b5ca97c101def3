using ActorRunner.Messages;

namespace ActorRunner.Orchestrator.Reporting;

/// <summary>
/// A node's clock as measured against the orchestrator's (µs): the offset (orchestrator minus node) and its
/// uncertainty (half the best probe's round trip). The one place a node's instant becomes an orchestrator instant:
/// every figure and page that compares instants of different processes goes through <see cref="ToOrchestratorUs"/>.
/// </summary>
public readonly record struct NodeClock(long OffsetUs, long UncertaintyUs)
{
    /// <summary>A node on the orchestrator's own clock (nothing measured, or nothing to correct).</summary>
    public static readonly NodeClock Same = new(0, 0);

    /// <summary>
    /// The offset applied, to a node's instants and to the release instant it is sent: the measured one when it
    /// exceeds its uncertainty, else zero (nodes on the orchestrator's machine share its clock; applying noise would
    /// only spread the release).
    /// </summary>
    public long AppliedOffsetUs => Math.Abs(OffsetUs) > UncertaintyUs ? OffsetUs : 0;

    /// <summary>A node instant in the orchestrator's clock; 0 (a phase not reached) stays 0.</summary>
    public long ToOrchestratorUs(long nodeUs) => nodeUs == 0 ? 0 : nodeUs + AppliedOffsetUs;

    /// <summary>An orchestrator instant on the node's clock: what the node is told to wait for.</summary>
    public long ToNodeUs(long orchestratorUs) => orchestratorUs - AppliedOffsetUs;

    /// <summary>Every instant of a task's report in the orchestrator's clock.</summary>
    public TaskReport ToOrchestrator(TaskReport report)
    {
        var p = report.Phases;
        return report with
        {
            Phases = new TaskPhases(ToOrchestratorUs(p.ParkedUs), ToOrchestratorUs(p.ReleasedUs), ToOrchestratorUs(p.LockRequestedUs),
                ToOrchestratorUs(p.LockAcquiredUs), ToOrchestratorUs(p.ReadUs), ToOrchestratorUs(p.WrittenUs), ToOrchestratorUs(p.LockReleasedUs),
                ToOrchestratorUs(p.PrepareReceivedUs), ToOrchestratorUs(p.ReleaseReceivedUs), ToOrchestratorUs(p.GateOpenedUs)),
        };
    }

    /// <summary>Reports from several nodes, each moved to the orchestrator's clock by its node's clock (a node not listed: as is).</summary>
    public static IReadOnlyList<TaskReport> ToOrchestrator(IEnumerable<TaskReport> reports, IReadOnlyDictionary<string, NodeClock> clocks) =>
        reports.Select(r => (clocks.TryGetValue(r.NodeId, out var clock) ? clock : Same).ToOrchestrator(r)).ToList();

    /// <summary>How far two clocks may drift apart, a fraction of the time elapsed: 50 ppm, a generous bound for quartz.</summary>
    public const double DriftPerSecond = 50e-6;

    /// <summary>This measurement after <paramref name="ageUs"/>: the clocks may have drifted, so it is less certain.</summary>
    public NodeClock Aged(long ageUs) => this with { UncertaintyUs = UncertaintyUs + (long)Math.Ceiling(Math.Max(0, ageUs) * DriftPerSecond) };

    /// <summary>
    /// The better of what was known (<paramref name="known"/>, already aged) and a new measurement: while the two
    /// agree within their uncertainties the narrower one stands (a probe delayed on a busy machine measures worse,
    /// not differently); when they disagree the clock stepped, and the new one is all that holds.
    /// </summary>
    public static NodeClock Better(NodeClock known, NodeClock measured) =>
        StepUs(known, measured) is not null || measured.UncertaintyUs <= known.UncertaintyUs ? measured : known;

    /// <summary>
    /// The step between two measurements of the same node's clock, when the offset moved by more than the two
    /// uncertainties together (what the measurements themselves cannot tell apart); else null.
    /// </summary>
    public static long? StepUs(NodeClock before, NodeClock after)
    {
        var moved = after.OffsetUs - before.OffsetUs;
        return Math.Abs(moved) > before.UncertaintyUs + after.UncertaintyUs ? -moved : null;
    }
}

/// <summary>
/// A node's clock jumped between two loops (NTP stepped it, someone set it): by <paramref name="StepMs"/> (positive:
/// the node's clock moved forward), give or take <paramref name="UncertaintyMs"/>. Measured before loop
/// <paramref name="Loop"/>, which and every later loop use the new offset; the loop before it may mix both clocks.
/// </summary>
public sealed record ClockStep(string Node, int Loop, double StepMs, double UncertaintyMs)
{
    public string Describe() =>
        $"clock of {Node} stepped by {StepMs:+0.###;-0.###} ms (+/- {UncertaintyMs:0.###} ms) before loop {Loop}: loop {Loop} on uses the new offset; " +
        $"loop {Loop - 1}'s figures involving {Node} may mix both clocks";
}
