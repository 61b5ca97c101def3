using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Configuration;

namespace ActorRunner.Orchestrator.Launching;

/// <summary>How the orchestrator starts each node it starts itself.</summary>
public static class NodeLaunches
{
    /// <summary>
    /// Node <paramref name="nodeId"/>, joining the orchestrator at <paramref name="address"/>: a local one
    /// (<paramref name="launchedOn"/> null) with the node program beside this one, its log in the run's logs folder; a
    /// remote one through the launch template on its host, its CLEF log on its standard output, which the launcher
    /// writes to the same place. A local node joins on the launcher's "go" (<see cref="EarlyNodes"/>: it may be
    /// started before the orchestrator listens).
    /// </summary>
    public static NodeLauncher.NodeLaunch For(RunSettings settings, RunContext run, string nodeId, string? launchedOn, string address)
    {
        var log = Path.Combine(run.LogsFolder, nodeId + ".clef");
        var tls = settings.Tls ? (settings.TlsCert, settings.TlsKey, settings.TlsCa) : ((string, string, string)?)null;
        if (launchedOn is not { } host)
        {
            var local = new NodeCommandLine(address, run.Token, run.RunId, nodeId, settings.Hostname == "localhost" ? "localhost" : "127.0.0.1",
                null, settings.JoinTimeout, log, settings.LogLevel, WatchStdin: true,
                settings.ScenarioAssembly.Length > 0 ? settings.ScenarioAssembly : null, tls, AwaitGo: true);
            return new NodeLauncher.NodeLaunch(nodeId, local.ToArguments(), AwaitGo: true);
        }
        // The node binds every address of its host and is reached at the host's name; its scenario assembly, when
        // there is one, is found at the orchestrator's path (NodeAccepted) unless the host is told otherwise.
        var remote = new NodeCommandLine(address, run.Token, run.RunId, nodeId, "0.0.0.0", LaunchTemplate.HostName(host),
            settings.JoinTimeout, NodeCommandLine.StandardOutput, settings.LogLevel, WatchStdin: true, null, tls);
        return new NodeLauncher.NodeLaunch(nodeId, remote.ToArguments(), LaunchTemplate.Parse(settings.RemoteLaunch).Command(host, remote.ToArguments()), log);
    }
}
