using System.Diagnostics;
using ActorRunner.Messages;

namespace ActorRunner.TaskNode.Tasks;

/// <summary>One loop on one node: the gate its tasks park at, the node's instants, and the count of tasks to go.</summary>
public sealed class LoopRound(int loop, ReleaseWait wait, int tasks, string nodeId, Action<TasksReady> allParked, Action<TaskReport> report)
{
    private int _toPark = tasks;

    public int Loop { get; } = loop;
    public ReleaseGate Gate { get; } = new(loop, wait);

    /// <summary>When the node began the loop: PrepareLoop arrived (µs, node clock).</summary>
    public long PrepareReceivedUs { get; } = WireClock.NowUs();

    // The same instant on the monotonic clock: the time to TasksReady is measured on a clock no step moves.
    private readonly long _prepareReceived = Stopwatch.GetTimestamp();

    /// <summary>When the node got Release (µs, node clock), 0 before.</summary>
    public long ReleaseReceivedUs { get; set; }

    /// <summary>Called by each task as it parks; the last one tells the orchestrator the node is ready.</summary>
    public void Parked()
    {
        if (Interlocked.Decrement(ref _toPark) == 0)
            allParked(new TasksReady(Loop, nodeId, PrepareReceivedUs, WireClock.NowUs(),
                (long)Stopwatch.GetElapsedTime(_prepareReceived).TotalMicroseconds));
    }

    /// <summary>Sends a task's report, stamped with the node's instants of the loop.</summary>
    public void Report(TaskReport taskReport)
    {
        report(taskReport with
        {
            Phases = taskReport.Phases with
            {
                PrepareReceivedUs = PrepareReceivedUs,
                ReleaseReceivedUs = ReleaseReceivedUs,
                GateOpenedUs = Gate.OpenedUs,
            },
        });
    }
}
