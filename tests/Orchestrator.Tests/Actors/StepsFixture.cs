using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Releasing;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Actors;

/// <summary>
/// What the orchestrator's steps (<see cref="NodeJoins"/>, <see cref="LoopSteps"/>, <see cref="RunEnding"/>) work on,
/// without an actor: the run's books on <see cref="Settings"/>, its timeline, the sends on it, and a log and an
/// observer that keep what they are told.
/// </summary>
public sealed class StepsFixture
{
    public StepsFixture(RunSettings settings, string runId)
    {
        Settings = settings;
        Run = new RunContext(runId, runId + "-token", "/nonexistent/run", "/nonexistent/run/counter.db", "/nonexistent/run/counter.lock",
            "/nonexistent/run/report.json", "/nonexistent/run/logs", 0);
        Books = new RunBooks(settings, Timeline, new ReleaseTiming(settings.ReleaseDelay, settings.ReleaseLead, Log));
        Post = new NodePost(Timeline);
        RunLog = new RunLog(Log);
    }

    /// <summary>The default settings with this layout: <paramref name="tasks"/> over <paramref name="nodes"/> local nodes and <paramref name="remoteNodes"/> remote ones.</summary>
    public static RunSettings Layout(int tasks, int nodes, int tasksPerNode, int remoteNodes = 0) =>
        SettingsLoader.Load([]).Settings with { Tasks = tasks, Nodes = nodes, RemoteNodes = remoteNodes, TasksPerNode = tasksPerNode };

    public RunSettings Settings { get; }
    public RunContext Run { get; }
    public RecordingLog Log { get; } = new();
    public RecordingObserver Observer { get; } = new();
    public TimelineRecorder Timeline { get; } = new(0);
    public RunBooks Books { get; }
    public NodePost Post { get; }
    public RunLog RunLog { get; }

    /// <summary>A registration of <paramref name="nodeId"/> for this run (<paramref name="token"/>: another run's token).</summary>
    public RegisterNode Register(string nodeId, string? token = null) => new(Run.RunId, token ?? Run.Token, nodeId, 4242, "host-specs", Protocol.Version);

    /// <summary>Admits the node at <paramref name="node"/> (named as its node) into the roster, with no step involved.</summary>
    public RosterNode Admit(RecordingRef node) => Books.Roster.Admit(Register(node.Path.Name), node, Run.RunId, Run.Token, 1.0).Node!;
}
