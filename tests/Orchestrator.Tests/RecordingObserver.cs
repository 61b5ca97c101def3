using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Reporting;

namespace ActorRunner.Orchestrator.Tests;

/// <summary>A person watching the run, as a list: each call with what it was told, in order (thread-safe).</summary>
public sealed class RecordingObserver : IRunObserver
{
    private readonly List<(string Call, string Detail)> _calls = new();

    /// <summary>Each call and what it was told (a reason, counts), in order.</summary>
    public IReadOnlyList<(string Call, string Detail)> Calls
    {
        get { lock (_calls) return _calls.ToList(); }
    }

    public int Count(string call)
    {
        lock (_calls) return _calls.Count(c => c.Call == call);
    }

    /// <summary>A call that throws, as a defect in the orchestrator's own code would (null: none).</summary>
    public string? Throws { get; set; }

    private readonly Dictionary<string, (ManualResetEventSlim Gate, int After)> _holds = new();

    /// <summary>Calls of <paramref name="call"/> after the first <paramref name="after"/> block (at most 10 s) until <see cref="Release"/>.</summary>
    public void Hold(string call, int after = 0)
    {
        lock (_calls) _holds[call] = (new ManualResetEventSlim(false), after);
    }

    public void Release(string call)
    {
        lock (_calls) _holds[call].Gate.Set();
    }

    private void Record(string call, string detail = "")
    {
        if (call == Throws) throw new InvalidOperationException($"{call} failed");
        ManualResetEventSlim? gate = null;
        lock (_calls)
        {
            _calls.Add((call, detail));
            if (_holds.TryGetValue(call, out var hold) && _calls.Count(c => c.Call == call) > hold.After) gate = hold.Gate;
        }
        gate?.Wait(TimeSpan.FromSeconds(10));
    }

    public void RunStarting(RunSettings settings, RunContext run, string address) => Record(nameof(RunStarting), address);
    public void NodeJoined(string nodeId, double joinMs, int ready, int expected) => Record(nameof(NodeJoined), $"{nodeId} {ready}/{expected}");
    public void LoopDone(LoopRecord loop, bool kept, LoopProgress progress) => Record(nameof(LoopDone), $"loop {loop.Loop} kept {kept} done {progress.Done}");
    public void TaskReported(int loop, int reported, int expected) => Record(nameof(TaskReported), $"loop {loop} {reported}/{expected}");
    public void ClockStepped(ClockStep step) => Record(nameof(ClockStepped), step.Node);
    public void Aborting(string reason) => Record(nameof(Aborting), reason);
}
