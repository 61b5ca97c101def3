using ActorRunner.Messages;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Launching;
using ActorRunner.Orchestrator.Reporting;
using Akka.Actor;
using Akka.Event;

namespace ActorRunner.Orchestrator.Actors;

/// <summary>
/// The run's start and its nodes joining, as the orchestrator's joining state does them: the run announced and the
/// nodes to start named, each registration admitted and answered or refused, each node ready counted and shown, and
/// once all are, how each node's tasks wait for the release. The actor keeps the state, its timer and the watches.
/// </summary>
/// <param name="startedUs">When the orchestrator started (wire clock): a node's join time is counted from it.</param>
public sealed class NodeJoins(RunSettings settings, RunContext run, RunBooks books, NodePost post, IRunObserver observer, RunLog runLog,
    ILoggingAdapter log, long startedUs)
{
    private NodeRoster Roster => books.Roster;

    /// <summary>The run starts with the orchestrator at <paramref name="address"/>: the nodes it starts itself, each with its command line.</summary>
    public List<NodeLauncher.NodeLaunch> Start(string address)
    {
        observer.RunStarting(settings, run, address);
        books.Timeline.Note("run-started", null, address);
        runLog.RunStarts(settings, run.RunId, address);
        return Roster.Launched.Select(n => NodeLaunches.For(settings, run, n.Id, n.LaunchedOn, address)).ToList();
    }

    /// <summary>
    /// A node registers from <paramref name="sender"/>: admitted, it is sent its terms; refused, the reason. True when
    /// the orchestrator is to watch <paramref name="sender"/> over Akka.Remote (a node started by hand, the first time).
    /// </summary>
    public bool Register(RegisterNode register, IActorRef sender)
    {
        books.Timeline.Received(register, register.NodeId, null);
        var admission = Roster.Admit(register, sender, run.RunId, run.Token, (WireClock.NowUs() - startedUs) / 1000.0);
        if (admission.Node is not { } node)
        {
            log.Warning("Refused node {Node} from {Address} (pid {Pid}): {Reason}", register.NodeId, sender.Path.Address, register.Pid, admission.Refusal);
            sender.Tell(new NodeRejected(register.NodeId, admission.Refusal!));
            return false;
        }
        if (admission.First)
            log.Info("Node {Node} registered from {Address} (pid {Pid}) with {Tasks} tasks", node.Id, sender.Path.Address, register.Pid, node.TaskIds.Count);
        post.Reply(sender, node.Accepted(settings.NodeTerms(run.RunId, run.LockFile, run.DbPath)), node.Id);
        return admission.First && node.WatchedRemotely;
    }

    /// <summary>A node has every task set up (a second word from it changes nothing); true once every node is.</summary>
    public bool Ready(NodeReady ready)
    {
        if (Roster.Find(ready.NodeId) is not { Ready: false } node) return false;
        books.Timeline.Received(ready, node.Id, null);
        node.ReadyWith(ready, WireClock.NowUs());
        var readyCount = Roster.ReadyCount;
        observer.NodeJoined(node.Id, node.JoinMs, readyCount, settings.TotalNodes);
        log.Info("Node {Node} is ready with {Tasks} tasks ({ReadyNodes} of {TotalNodes})", node.Id, ready.Tasks, readyCount, settings.TotalNodes);
        return readyCount == settings.TotalNodes;
    }

    /// <summary>Every node is ready: the start-up's time is kept and how each node's tasks wait for the release chosen and told.</summary>
    public void AllReady()
    {
        var nodes = books.AllReady(WireClock.NowUs(), run.ProcessStartUs);
        log.Info("All {TotalNodes} nodes ready {StartupMs} ms after the orchestrator started", settings.TotalNodes, Math.Round(books.Course.StartupMs, 1));
        runLog.ReleaseWaits(nodes);
    }

    /// <summary>Why the run stops when a node could not set up its tasks.</summary>
    public static string SetUpFailed(NodeFailed failed) => $"node {failed.NodeId} could not set up: {failed.Reason}";

    /// <summary>Why the run stops when the nodes did not all join in time: who is missing.</summary>
    public string TimedOut() => $"not every node joined within {settings.JoinLimit.TotalSeconds:0.###} s: missing {string.Join("; ", Roster.NotJoined())}";

    /// <summary>A registration once the run has started: refused, unless it comes from a node of the run (a retried handshake, ignored).</summary>
    public void RegisterLate(RegisterNode register, IActorRef sender)
    {
        if (Roster.Find(sender) is not null) return;
        log.Warning("Refused node {Node} from {Address}: the run has started", register.NodeId, sender.Path.Address);
        sender.Tell(new NodeRejected(register.NodeId, "the run has started"));
    }
}
