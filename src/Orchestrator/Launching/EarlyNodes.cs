using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorRunner.Orchestrator.Launching;

/// <summary>
/// The local nodes, started as soon as the run's settings are valid, while the orchestrator still builds its host
/// and starts its actor system: each starts its own actor system meanwhile and joins only when the launcher, once
/// the orchestrator listens, takes it over and tells it "go". Until then they are this object's: disposing it
/// (the orchestrator could not start, or the run ended before) kills every node not taken over.
/// </summary>
public sealed class EarlyNodes : IDisposable
{
    private readonly Dictionary<string, (NodeLauncher.NodeLaunch Launch, Process Process)> _started = new();
    private readonly Lock _gate = new();

    /// <summary>No node started early (remote nodes only, or an address not known before the orchestrator binds).</summary>
    public static EarlyNodes None => new();

    /// <summary>Starts each of <paramref name="launches"/>; one that cannot start is left to the launcher, which says why.</summary>
    public static EarlyNodes Start(NodeProgram program, IEnumerable<NodeLauncher.NodeLaunch> launches, Serilog.ILogger logger)
    {
        var early = new EarlyNodes();
        foreach (var launch in launches)
        {
            try
            {
                var process = NodeLauncher.StartProcess(program, launch);
                lock (early._gate) early._started[launch.NodeId] = (launch, process);
                logger.Debug("Node {Node} started (pid {Pid}) before the orchestrator listens; it joins when told", launch.NodeId, process.Id);
            }
            catch (Exception e)
            {
                logger.Debug("Node {Node} could not start early ({Reason}); the launcher starts it", launch.NodeId, e.GetBaseException().Message);
            }
        }
        return early;
    }

    /// <summary>The process ids of the nodes started and not taken over.</summary>
    public IReadOnlyList<int> Pids
    {
        get
        {
            lock (_gate) return _started.Values.Select(s => s.Process.Id).ToList();
        }
    }

    /// <summary>
    /// The process started early for <paramref name="launch"/>, now the caller's; null when there is none, or when it
    /// was started with another command line (the orchestrator's address was not the one foreseen): that one is killed.
    /// </summary>
    public Process? Take(NodeLauncher.NodeLaunch launch)
    {
        (NodeLauncher.NodeLaunch Launch, Process Process) started;
        lock (_gate)
            if (!_started.Remove(launch.NodeId, out started)) return null;
        if (started.Launch.SameProcessAs(launch)) return started.Process;
        End(started.Process);
        return null;
    }

    /// <summary>
    /// Ends every node not taken over as a node not yet told "go" is ended: its standard input closed, on which it
    /// stops its actor system and exits; one still running after <paramref name="grace"/> is killed. The number killed.
    /// </summary>
    public int Stop(TimeSpan grace)
    {
        List<Process> left;
        lock (_gate)
        {
            left = _started.Values.Select(s => s.Process).ToList();
            _started.Clear();
        }
        foreach (var process in left) NodeProcess.CloseInput(process);
        var deadline = Stopwatch.GetTimestamp() + (long)(grace.TotalSeconds * Stopwatch.Frequency);
        var killed = 0;
        foreach (var process in left)
        {
            var wait = TimeSpan.FromSeconds(Math.Max(0, deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (process.WaitForExit(wait))
            {
                process.Dispose();
                continue;
            }
            killed++;
            End(process);
        }
        return killed;
    }

    /// <summary>Kills every node not taken over and waits for its exit.</summary>
    public void Dispose()
    {
        List<Process> left;
        lock (_gate)
        {
            left = _started.Values.Select(s => s.Process).ToList();
            _started.Clear();
        }
        foreach (var process in left) End(process);
    }

    private static void End(Process process)
    {
        NodeProcess.Kill(process, wait: TimeSpan.FromSeconds(5));
        process.Dispose();
    }

    /// <summary>
    /// The environment variable that, when set to a port, makes <see cref="PickPort"/> return that port instead of a
    /// free one: a test holds a port and has the orchestrator pick it, as if another process had taken the port it
    /// picked between the pick and the bind.
    /// </summary>
    public const string PickedPortVariable = "ACTOR_RUNNER_PICKED_PORT";

    /// <summary>
    /// The port an orchestrator that may bind any port (0) binds, picked before it binds so that its local nodes can
    /// start meanwhile: <see cref="FreePort"/>, or the port <see cref="PickedPortVariable"/> names; 0 when none could be had.
    /// </summary>
    public static int PickPort(string hostname) =>
        int.TryParse(Environment.GetEnvironmentVariable(PickedPortVariable), out var port) && port is > 0 and <= 65535
            ? port
            : FreePort(hostname);

    /// <summary>
    /// A port free on <paramref name="hostname"/> now, for an orchestrator asked to bind any (port 0) whose local nodes
    /// start before it binds; 0 when none could be had (the nodes then start once it listens).
    /// </summary>
    public static int FreePort(string hostname)
    {
        try
        {
            var address = IPAddress.TryParse(hostname, out var parsed) ? parsed : Dns.GetHostAddresses(hostname).OrderBy(a => a.AddressFamily != AddressFamily.InterNetwork).FirstOrDefault();
            if (address is null) return 0;
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, 0));
            return ((IPEndPoint)socket.LocalEndPoint!).Port;
        }
        catch (SocketException)
        {
            return 0;
        }
    }
}
