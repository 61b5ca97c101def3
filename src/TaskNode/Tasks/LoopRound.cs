using ActorRunner.Messages;

namespace ActorRunner.TaskNode.Tasks;

/// <summary>One loop on one node: the gate its tasks park at, and the count of tasks still to park.</summary>
public sealed class LoopRound(int loop, int tasks, Action<TasksReady> allParked, Action<TaskReport> report, string nodeId)
{
    private int _toPark = tasks;

    public int Loop { get; } = loop;
    public ReleaseGate Gate { get; } = new(loop);

    /// <summary>Called by each task as it parks; the last one tells the orchestrator the node is ready.</summary>
    public void Parked()
    {
        if (Interlocked.Decrement(ref _toPark) == 0) allParked(new TasksReady(Loop, nodeId, WireClock.NowUs()));
    }

    public void Report(TaskReport taskReport) => report(taskReport);
}
