using ActorRunner.Messages;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Launching;
using Akka.Actor;
using Akka.Event;

namespace ActorRunner.Orchestrator.Actors;

/// <summary>
/// What ends the run, or may, as the orchestrator's states meet it: a node lost (logged, and its hold on the
/// orchestrator's lock let go: <paramref name="lockActor"/>), an interruption, the orderly finish that tells every node
/// to shut down, the nodes' exits after it, and the orchestrator's own failure. Each step says what the actor is to do
/// next (react to the loss, stop the nodes' processes); the actor keeps its states, its timers and the launcher.
/// </summary>
public sealed class RunEnding(RunSettings settings, RunContext run, RunBooks books, NodePost post, IRunObserver observer, ILoggingAdapter log,
    IActorRef lockActor)
{
    private readonly NodeLosses _losses = new(books.Roster, books.Ledger);

    private int Loop => books.Ledger.Loop;

    /// <summary>A node's process started: its pid is kept.</summary>
    public void Started(NodeLauncher.NodeStarted started) => _losses.Started(started);

    /// <summary>A node's process exited while the run was under way: why the node is lost, or null when it is no new loss.</summary>
    public string? Exited(NodeLauncher.NodeExited exited) => Lost(_losses.Exited(exited));

    /// <summary>The association with <paramref name="actor"/> died: why the node is lost, or null when it is no new loss.</summary>
    public string? Unreachable(IActorRef actor) => Lost(_losses.Unreachable(actor));

    /// <summary>A node's process exited once the run was over: only its exit code is kept.</summary>
    public void ExitedAfterRun(NodeLauncher.NodeExited exited) => _losses.ExitedAfterRun(exited);

    /// <summary>SIGINT or SIGTERM: the run is marked interrupted; the reason it stops.</summary>
    public string Interrupt()
    {
        books.Course.Interrupt();
        return "interrupted";
    }

    /// <summary>
    /// Ends the run: every live node is told to shut down. <paramref name="reason"/>: why the run stops early (the
    /// run's abort reason, unless it had one already); null when the loops simply ran out (their count, the time
    /// budget, a verdict without continue-on-failure). What the launcher is to stop: a node still starting has no one
    /// to tell it, and is ended through its standard input instead.
    /// </summary>
    public NodeLauncher.StopNodes Finish(string? reason)
    {
        books.Course.Abort(reason);
        if (reason is not null)
        {
            observer.Aborting(reason);
            log.Warning("Run {RunId} stops: {Reason}", run.RunId, reason);
        }
        post.Tell(books.Roster.Live, _ => Shutdown.Instance, null);
        return new NodeLauncher.StopNodes(settings.ShutdownTimeout, books.Roster.Untold());
    }

    /// <summary>Every node process has exited after the finish.</summary>
    public void AllExited(NodeLauncher.AllNodesExited exited)
    {
        if (exited.Killed > 0) log.Warning("{Killed} node processes had to be killed", exited.Killed);
    }

    /// <summary>A task's report once the run has ended: not counted.</summary>
    public void ReportAfterRun(TaskReport report) => log.Debug("Loop {Loop}: report of task {Task} after the run ended", report.Loop, report.TaskId);

    /// <summary>
    /// An exception of the orchestrator's own (<paramref name="reason"/>, on <paramref name="message"/>): the run is
    /// cut short for it and every live node told to shut down.
    /// </summary>
    public void Failed(Exception reason, object? message)
    {
        log.Error(reason, "Run {RunId}: the orchestrator failed on {MessageType} in loop {Loop}; the run stops", run.RunId, message?.GetType().Name, Loop);
        observer.Aborting(books.Course.Abort($"the orchestrator failed: {reason.GetBaseException().Message}")!);
        foreach (var node in books.Roster.Live) node.Ref!.Tell(Shutdown.Instance);
    }

    /// <summary>A node newly lost: logged, and any hold it had on the orchestrator's lock let go; why it was lost.</summary>
    private string? Lost(NodeLoss? loss)
    {
        if (loss is null) return null;
        log.Error("Loop {Loop}: lost {Reason}", Loop, loss.Reason);
        lockActor.Tell(new LockActor.NodeGone(loss.NodeId));
        return loss.Reason;
    }
}
