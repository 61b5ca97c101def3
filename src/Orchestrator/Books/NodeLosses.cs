using ActorRunner.Orchestrator.Launching;
using Akka.Actor;

namespace ActorRunner.Orchestrator.Books;

/// <summary>A node newly lost, and why.</summary>
public sealed record NodeLoss(string NodeId, string Reason);

/// <summary>
/// The nodes' processes and associations as the launcher and Akka.Remote report them: a node whose process exited or
/// whose association died is lost (the first reason stands), and its tasks not yet accounted for in the loop under way
/// are given up on (<see cref="LoopLedger.Lost"/>). A node not known, or lost already, is no new loss.
/// </summary>
public sealed class NodeLosses(NodeRoster roster, LoopLedger ledger)
{
    public void Started(NodeLauncher.NodeStarted started)
    {
        if (roster.Find(started.NodeId) is { } node) node.Pid = started.Pid;
    }

    /// <summary>A node's process exited: its exit code is kept, and the node is lost.</summary>
    public NodeLoss? Exited(NodeLauncher.NodeExited exited)
    {
        if (roster.Find(exited.NodeId) is not { } node) return null;
        node.ExitCode = exited.ExitCode;
        var detail = exited.LastError is null ? "" : $" ({exited.LastError})";
        return Lose(node, $"node {node.Id} (pid {exited.Pid}) exited with code {exited.ExitCode}{detail}");
    }

    /// <summary>A node's process exited once the run was over: only its exit code is kept.</summary>
    public void ExitedAfterRun(NodeLauncher.NodeExited exited)
    {
        if (roster.Find(exited.NodeId) is { } node) node.ExitCode = exited.ExitCode;
    }

    /// <summary>The association with <paramref name="actor"/>, a node watched over Akka.Remote, died.</summary>
    public NodeLoss? Unreachable(IActorRef actor) =>
        roster.Find(actor) is { } node ? Lose(node, $"node {node.Id} at {actor.Path.Address} is unreachable") : null;

    private NodeLoss? Lose(RosterNode node, string reason)
    {
        if (!node.Lose(reason)) return null;
        ledger.Lost(node, reason);
        return new NodeLoss(node.Id, reason);
    }
}
