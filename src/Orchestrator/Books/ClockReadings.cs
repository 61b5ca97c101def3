using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Reporting;
using Akka.Event;

namespace ActorRunner.Orchestrator.Books;

/// <summary>
/// Each loop's reading of each node's clock: the loop's PrepareLoop out and the node's TasksReady back are a clock
/// probe (<see cref="WireClock.Exchange"/>), with no round trip of its own. The loop uses the best of what it measured
/// and what was known (<see cref="RosterNode.Measured"/>); a step between them is kept in the run's course, shown to
/// the <paramref name="observer"/> and named in the log.
/// </summary>
public sealed class ClockReadings(RunCourse course, IRunObserver observer, ILoggingAdapter log)
{
    /// <summary>
    /// The TasksReady of <paramref name="node"/> for <paramref name="loop"/>, which arrived at
    /// <paramref name="receivedUs"/>, read as a clock probe; one that does not add up leaves the last offset standing.
    /// </summary>
    public void Read(RosterNode node, TasksReady ready, long receivedUs, int loop)
    {
        if (WireClock.Exchange(node.PrepareSentUs, ready.ReadyAtUs, receivedUs, ready.ElapsedUs) is var (offsetUs, uncertaintyUs))
            Measured(node, new NodeClock(offsetUs, uncertaintyUs), loop);
        else
            log.Warning("Loop {Loop}: node {Node}'s clock exchange does not add up (the orchestrator's clock moved while it was under way: "
                + "{NodeUs} us at the node within a round trip of {RoundTripUs} us); the last offset measured stands until the next loop's",
                loop, node.Id, ready.ElapsedUs, receivedUs - node.PrepareSentUs);
    }

    private void Measured(RosterNode node, NodeClock measured, int loop)
    {
        var clock = node.Measured(measured, WireClock.NowUs(), loop);
        log.Debug("Loop {Loop}: node {Node} measured its clock offset as {ClockOffsetUs} us +/- {ClockUncertaintyUs} us (known: {KnownOffsetUs} us +/- {KnownUncertaintyUs} us)",
            new object[] { loop, node.Id, measured.OffsetUs, measured.UncertaintyUs, clock.Known.OffsetUs, clock.Known.UncertaintyUs });
        if (clock.Step is not { } step) return;
        course.ClockStepped(step);
        observer.ClockStepped(step);
        log.Warning("Loop {Loop}: the clock of node {Node} stepped by {StepMs} ms (+/- {UncertaintyMs} ms) since the last measurement; this loop on uses the new offset",
            loop, node.Id, step.StepMs, step.UncertaintyMs);
    }
}
