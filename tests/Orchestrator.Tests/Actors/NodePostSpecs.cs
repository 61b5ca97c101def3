using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Books;
using ActorRunner.Orchestrator.Timeline;
using Akka.TestKit.Xunit2;

namespace ActorRunner.Orchestrator.Tests.Actors;

public sealed class NodePostSpecs : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);

    private readonly TimelineRecorder _timeline = new(WireClock.NowUs());
    private readonly NodeRoster _roster = new([["task-1"], ["task-2"]], localNodes: 2, launchHosts: []);

    [Fact]
    public void Each_node_gets_its_own_message_and_each_send_is_on_the_timeline_of_its_loop()
    {
        var (probe1, probe2) = (CreateTestProbe(), CreateTestProbe());
        _roster.Admit(new RegisterNode("run", "token", "node-1", 1, "host", Protocol.Version), probe1.Ref, "run", "token", 1.0);
        _roster.Admit(new RegisterNode("run", "token", "node-2", 2, "host", Protocol.Version), probe2.Ref, "run", "token", 1.0);

        new NodePost(_timeline).Tell(_roster.Live, node => new AbortLoop(4, $"for {node.Id}"), loop: 4);

        Assert.Equal("for node-1", probe1.ExpectMsg<AbortLoop>(Wait).Reason);
        Assert.Equal("for node-2", probe2.ExpectMsg<AbortLoop>(Wait).Reason);
        var events = _timeline.TakeLoop(4);
        Assert.Equal([("sent", "AbortLoop", "node-1"), ("sent", "AbortLoop", "node-2")], events.Select(e => (e.Event, e.Message, e.To)));
    }

    [Fact]
    public void A_reply_goes_to_the_sender_and_is_on_the_run_s_own_timeline()
    {
        var probe = CreateTestProbe();

        new NodePost(_timeline).Reply(probe.Ref, new NodeRejected("node-7", "wrong token"), "node-7");

        Assert.Equal("wrong token", probe.ExpectMsg<NodeRejected>(Wait).Reason);
        var sent = Assert.Single(_timeline.Events);
        Assert.Equal(("sent", "NodeRejected", "node-7", (int?)null), (sent.Event, sent.Message, sent.To, sent.Loop));
    }
}
