using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Launching;
using Akka.Actor;

namespace ActorRunner.Orchestrator.Tests.Books;

public sealed class NodeLossesSpecs
{
    private readonly NodeRoster _roster = new([["task-1", "task-2"], ["task-3"]], localNodes: 2, launchHosts: []);
    private readonly LoopLedger _ledger = new(3);
    private readonly NodeLosses _losses;

    public NodeLossesSpecs()
    {
        _losses = new NodeLosses(_roster, _ledger);
        _ledger.Begin(1, 0);
    }

    [Fact]
    public void A_node_whose_process_exits_is_lost_once_with_its_exit_and_its_tasks_are_given_up_on()
    {
        _losses.Started(new NodeLauncher.NodeStarted("node-1", 42));

        var loss = _losses.Exited(new NodeLauncher.NodeExited("node-1", 42, 137, "killed"));
        var again = _losses.Exited(new NodeLauncher.NodeExited("node-1", 42, 1, null));

        Assert.Equal(new NodeLoss("node-1", "node node-1 (pid 42) exited with code 137 (killed)"), loss);
        Assert.Null(again);
        var node = _roster.Find("node-1")!;
        Assert.Equal((42, (int?)1, "node node-1 (pid 42) exited with code 137 (killed)"), (node.Pid, node.ExitCode, node.Lost));
        Assert.Equal(["task-1", "task-2"], _ledger.Missing.Select(m => m.Task).Order());
        Assert.All(_ledger.Missing, m => Assert.False(m.Indeterminate, "nothing was released: the tasks cannot have acted"));
        Assert.Equal("lost node node-1 (pid 42) exited with code 137 (killed)", _ledger.Abort);
    }

    [Fact]
    public void A_node_whose_association_dies_is_lost_as_unreachable_and_one_not_known_is_no_loss()
    {
        var actor = new RecordingRef("node-2");
        _roster.Admit(new Messages.RegisterNode("run", "token", "node-2", 7, "host", Messages.Protocol.Version), actor, "run", "token", 1.0);
        _ledger.Released(10, 20);

        var loss = _losses.Unreachable(actor);

        Assert.Equal("node-2", loss?.NodeId);
        Assert.Equal($"node node-2 at {actor.Path.Address} is unreachable", loss?.Reason);
        Assert.True(_ledger.IsIndeterminate("task-3"), "released: the task may have acted");
        Assert.Null(_losses.Unreachable(new RecordingRef("stranger")));
        Assert.Null(_losses.Exited(new NodeLauncher.NodeExited("node-9", 1, 1, null)));
    }

    [Fact]
    public void A_node_that_exits_once_the_run_is_over_keeps_its_exit_code_and_is_not_lost()
    {
        _losses.ExitedAfterRun(new NodeLauncher.NodeExited("node-2", 8, 0, null));

        Assert.Equal((int?)0, _roster.Find("node-2")!.ExitCode);
        Assert.False(_roster.AnyLost);
        Assert.Empty(_ledger.Missing);
    }
}
