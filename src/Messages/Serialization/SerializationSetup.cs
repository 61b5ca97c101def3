using Akka.Hosting;

namespace ActorRunner.Messages.Serialization;

public static class SerializationSetup
{
    /// <summary>Binds every wire message to <see cref="RunnerSerializer"/> and turns strict serialization on.</summary>
    public static AkkaConfigurationBuilder WithRunnerSerialization(this AkkaConfigurationBuilder builder) =>
        builder
            .WithCustomSerializer("actor-runner", [typeof(IRunnerMessage)], system => new RunnerSerializer(system))
            .WithStrictSerialization();
}
