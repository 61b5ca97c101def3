using System.Net.Sockets;
using ActorRunner.Orchestrator.Hosting;

namespace ActorRunner.Orchestrator.Tests.Hosting;

public sealed class RunHostSpecs
{
    [Fact]
    public void An_address_in_use_is_recognised_however_deep_the_transport_wrapped_it()
    {
        // As Akka.Remote reports a failed bind: aggregates around its transport exception around the socket's.
        var bind = new Akka.Remote.RemoteTransportException("Failed to bind", new SocketException((int)SocketError.AddressAlreadyInUse));
        var wrapped = new AggregateException(new AggregateException(new InvalidOperationException("other"), bind));

        Assert.True(RunHost.AddressInUse(wrapped));
        Assert.True(RunHost.AddressInUse(new SocketException((int)SocketError.AddressAlreadyInUse)));
    }

    [Fact]
    public void Another_failure_to_bind_is_not_taken_for_an_address_in_use()
    {
        Assert.False(RunHost.AddressInUse(new Akka.Remote.RemoteTransportException("Failed to bind", new SocketException((int)SocketError.AccessDenied))));
        Assert.False(RunHost.AddressInUse(new AggregateException(new SocketException((int)SocketError.AddressNotAvailable))));
        Assert.False(RunHost.AddressInUse(new InvalidOperationException("Address already in use")));
    }
}
