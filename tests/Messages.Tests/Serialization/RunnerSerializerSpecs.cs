using System.Runtime.Serialization;
using System.Text;
using ActorRunner.Messages;
using ActorRunner.Messages.Serialization;
using Akka.Actor;
using ActorRunner.Tests.Shared;

namespace ActorRunner.Messages.Tests.Serialization;

public sealed class RunnerSerializerSpecs : IDisposable
{
    /// <summary>
    /// One sample per wire type, every field set to something other than its default, so a field that does not
    /// survive the trip shows up. A type in <see cref="RunnerSerializer.MessageTypes"/> without a sample fails.
    /// </summary>
    private static readonly IReadOnlyDictionary<Type, IRunnerMessage> Samples = new Dictionary<Type, IRunnerMessage>
    {
        [typeof(RegisterNode)] = new RegisterNode("run-1", "secret", "node-2", 4242, "host-a", Protocol.Version),
        [typeof(NodeAccepted)] = new NodeAccepted("run-1", "node-2", RunnerLock.Scenario, "postgres-advisory", "/tmp/x.lock", "/tmp/x.db", 1500, 250_000,
            "My.RowLimit, My", "/opt/my.dll", "actor-runner.my", new Dictionary<string, string> { ["limit"] = "5", ["users"] = "3" },
            100, 3, 40, ["task-041", "task-042", "task-043"], KeepCpusAwake: true),
        [typeof(NodeRejected)] = new NodeRejected("node-3", "wrong token"),
        [typeof(NodeReady)] = new NodeReady("node-2", 17, -42, 150),
        [typeof(NodeFailed)] = new NodeFailed("node-2", "file locking does not exclude"),
        [typeof(PrepareLoop)] = new PrepareLoop(7, ReleaseWait.Spin, 1_700_000_000_000_001),
        [typeof(TasksReady)] = new TasksReady(7, "node-2", 1_700_000_000_000_002, 1_700_000_000_000_003, 1),
        [typeof(Release)] = new Release(7, 1_700_000_000_000_004, 1_699_999_999_999_004),
        [typeof(TaskReport)] = new TaskReport(7, "task-042", "node-2", TaskOutcome.Indeterminate, 41, 42,
            new TaskPhases(11, 12, 13, 14, 15, 16, 17, 18, 19, 20), TaskFailure.ActionFailed, "disk I/O error"),
        [typeof(AbortLoop)] = new AbortLoop(7, "node-3 exited with code 137"),
        [typeof(ClockProbe)] = new ClockProbe(1_700_000_000_000_005),
        [typeof(ClockProbeReply)] = new ClockProbeReply(1_700_000_000_000_005, 1_700_000_000_000_006),
        [typeof(AcquireLock)] = new AcquireLock(7, "task-042", "node-2"),
        [typeof(LockGranted)] = new LockGranted(7, "task-042"),
        [typeof(ReleaseLock)] = new ReleaseLock(7, "task-042"),
        [typeof(Shutdown)] = Shutdown.Instance,
    };

    private readonly ActorSystem _system = ActorSystem.Create("serializer-specs");
    private readonly RunnerSerializer _serializer;

    public RunnerSerializerSpecs() => _serializer = new RunnerSerializer((ExtendedActorSystem)_system);

    public void Dispose() => _system.Dispose();

    public static TheoryData<string> MessageTypeNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in RunnerSerializer.MessageTypes) data.Add(type.FullName!);
        return data;
    }

    private static Type TypeNamed(string fullName) =>
        RunnerSerializer.MessageTypes.Single(t => t.FullName == fullName);

    [Theory]
    [MemberData(nameof(MessageTypeNames))]
    public void Every_message_type_survives_a_round_trip(string typeName)
    {
        var type = TypeNamed(typeName);
        Assert.True(Samples.TryGetValue(type, out var sample), $"no sample for {type.Name}: add one to {nameof(Samples)}");

        var manifest = _serializer.Manifest(sample!);
        var bytes = _serializer.ToBinary(sample!);
        var back = _serializer.FromBinary(bytes, manifest);

        Assert.IsType(type, back);
        Assert.Equivalent(sample, back, strict: true);
    }

    [Fact]
    public void Every_message_type_has_its_own_manifest()
    {
        var manifests = RunnerSerializer.MessageTypes.Select(t => _serializer.Manifest(Samples[t])).ToList();

        Assert.Equal(RunnerSerializer.MessageTypes.Count, manifests.Distinct(StringComparer.Ordinal).Count());
        Assert.All(manifests, m => Assert.InRange(m.Length, 1, 8));
    }

    [Fact]
    public void Shutdown_comes_back_as_the_singleton()
    {
        var back = _serializer.FromBinary(_serializer.ToBinary(Shutdown.Instance), _serializer.Manifest(Shutdown.Instance));

        Assert.Same(Shutdown.Instance, back);
    }

    [Fact]
    public void A_report_without_an_error_keeps_the_null()
    {
        var report = new TaskReport(1, "task-1", "node-1", TaskOutcome.Committed, 0, 1, new TaskPhases(1, 2, 3, 4, 5, 6, 7), TaskFailure.None, null);

        var back = (TaskReport)_serializer.FromBinary(_serializer.ToBinary(report), _serializer.Manifest(report));

        Assert.Null(back.Error);
        Assert.Equal(TaskOutcome.Committed, back.Outcome);
        Assert.Equal(report.Phases, back.Phases);
    }

    [Fact]
    public void The_identifier_is_above_the_range_akka_reserves()
    {
        Assert.True(_serializer.Identifier > 100, $"identifier {_serializer.Identifier}");
        Assert.Equal(RunnerSerializer.SerializerId, _serializer.Identifier);
    }

    [Fact]
    public void An_unknown_manifest_is_refused()
    {
        var bytes = _serializer.ToBinary(new NodeReady("node-1", 1, 0, 0));

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "System.String, System.Private.CoreLib"));
        Assert.Contains("System.String", error.Message);
    }

    [Fact]
    public void A_message_that_is_not_on_the_wire_cannot_be_serialized()
    {
        var stranger = new NotAWireMessage("x");

        Assert.Throws<SerializationException>(() => _serializer.ToBinary(stranger));
        Assert.Throws<SerializationException>(() => _serializer.Manifest(stranger));
    }

    [Theory]
    [InlineData("rep", "this is not json")]
    [InlineData("rep", "{}")]
    [InlineData("rep", "null")]
    [InlineData("rep", "{\"loop\":\"seven\"}")]
    [InlineData("reg", "[1,2,3]")]
    [InlineData("acc", "{\"runId\":\"r\",\"nodeId\":\"n\",\"lockMode\":\"file\",\"lockFile\":\"f\",\"dbPath\":\"d\",\"lockTimeoutMs\":1,\"taskIds\":")]
    [InlineData("prep", "")]
    public void Garbage_bytes_for_a_known_manifest_are_refused(string manifest, string garbage)
    {
        Assert.Throws<SerializationException>(() => _serializer.FromBinary(Encoding.UTF8.GetBytes(garbage), manifest));
    }

    [Fact]
    public void Random_bytes_for_a_known_manifest_are_refused()
    {
        var bytes = new byte[64];
        new Random(4711).NextBytes(bytes);

        Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "rep"));
    }

    [Fact]
    public Task The_production_setup_makes_serialization_strict_with_the_runner_serializer_and_nothing_else() =>
        // The actor system as both apps build it: through Akka.Hosting, with the setup they share.
        ProductionActorSystem.With("strict-serialization-specs", system =>
        {
            var forReport = system.Serialization.FindSerializerFor(Samples[typeof(TaskReport)]);
            var forShutdown = system.Serialization.FindSerializerFor(Shutdown.Instance);

            Assert.IsType<RunnerSerializer>(forReport);
            Assert.IsType<RunnerSerializer>(forShutdown);
            var refused = Assert.Throws<SerializationException>(() => system.Serialization.FindSerializerFor(new NotAWireMessage("x")));
            Assert.Contains(nameof(NotAWireMessage), refused.Message);
        });

    private sealed record NotAWireMessage(string Text);
}
