using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Serialization;

namespace ActorRunner.Messages.Serialization;

/// <summary>
/// The only serializer of the runner's messages: JSON through source-generated contracts, keyed by short
/// stable manifests. No type named by a peer is ever instantiated; an unknown manifest is refused.
/// </summary>
public sealed class RunnerSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 4711;

    private static readonly Dictionary<Type, (string Manifest, JsonTypeInfo Info)> ByType = new()
    {
        [typeof(RegisterNode)] = ("reg", WireJson.Default.RegisterNode),
        [typeof(NodeAccepted)] = ("acc", WireJson.Default.NodeAccepted),
        [typeof(NodeRejected)] = ("rej", WireJson.Default.NodeRejected),
        [typeof(NodeReady)] = ("nrdy", WireJson.Default.NodeReady),
        [typeof(NodeFailed)] = ("nfail", WireJson.Default.NodeFailed),
        [typeof(ClockProbe)] = ("clk", WireJson.Default.ClockProbe),
        [typeof(ClockProbeReply)] = ("clkr", WireJson.Default.ClockProbeReply),
        [typeof(PrepareLoop)] = ("prep", WireJson.Default.PrepareLoop),
        [typeof(TasksReady)] = ("trdy", WireJson.Default.TasksReady),
        [typeof(Release)] = ("rel", WireJson.Default.Release),
        [typeof(AbortLoop)] = ("abort", WireJson.Default.AbortLoop),
        [typeof(TaskReport)] = ("rep", WireJson.Default.TaskReport),
        [typeof(AcquireLock)] = ("lacq", WireJson.Default.AcquireLock),
        [typeof(LockGranted)] = ("lgr", WireJson.Default.LockGranted),
        [typeof(ReleaseLock)] = ("lrel", WireJson.Default.ReleaseLock),
    };

    private static readonly Dictionary<string, JsonTypeInfo> ByManifest =
        ByType.Values.ToDictionary(v => v.Manifest, v => v.Info);

    private const string ShutdownManifest = "shut";

    public RunnerSerializer(ExtendedActorSystem system) : base(system) { }

    public override int Identifier => SerializerId;

    /// <summary>Every message type this serializer handles (one round-trip test each).</summary>
    public static IReadOnlyCollection<Type> MessageTypes => [.. ByType.Keys, typeof(Shutdown)];

    public override string Manifest(object o) => o switch
    {
        Shutdown => ShutdownManifest,
        _ when ByType.TryGetValue(o.GetType(), out var entry) => entry.Manifest,
        _ => throw new SerializationException($"ActorRunner cannot serialize {o.GetType().Name}: not a wire message"),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        Shutdown => [],
        _ when ByType.TryGetValue(obj.GetType(), out var entry) => JsonSerializer.SerializeToUtf8Bytes(obj, entry.Info),
        _ => throw new SerializationException($"ActorRunner cannot serialize {obj.GetType().Name}: not a wire message"),
    };

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest == ShutdownManifest) return Shutdown.Instance;
        if (!ByManifest.TryGetValue(manifest, out var info))
            throw new SerializationException($"Unknown ActorRunner manifest '{manifest}'");
        try
        {
            return JsonSerializer.Deserialize(bytes, info)
                   ?? throw new SerializationException($"Empty ActorRunner message for manifest '{manifest}'");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"Malformed ActorRunner message for manifest '{manifest}': {e.Message}");
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(RegisterNode))]
[JsonSerializable(typeof(NodeAccepted))]
[JsonSerializable(typeof(NodeRejected))]
[JsonSerializable(typeof(NodeReady))]
[JsonSerializable(typeof(NodeFailed))]
[JsonSerializable(typeof(ClockProbe))]
[JsonSerializable(typeof(ClockProbeReply))]
[JsonSerializable(typeof(PrepareLoop))]
[JsonSerializable(typeof(TasksReady))]
[JsonSerializable(typeof(Release))]
[JsonSerializable(typeof(AbortLoop))]
[JsonSerializable(typeof(TaskReport))]
[JsonSerializable(typeof(AcquireLock))]
[JsonSerializable(typeof(LockGranted))]
[JsonSerializable(typeof(ReleaseLock))]
internal sealed partial class WireJson : JsonSerializerContext;
