using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace ActorRunner.Orchestrator.Launching;

/// <summary>
/// Starts the local task-node processes and watches them as processes: an exit is seen the moment it happens,
/// whatever killed the node. Each node's standard input stays open to us, so a node notices our death too.
/// </summary>
public sealed class NodeLauncher : ReceiveActor, IWithTimers
{
    /// <param name="early">Local nodes started before the orchestrator listened: a launch they match takes them over.</param>
    public static Props Props(NodeProgram program, EarlyNodes? early = null) => Akka.Actor.Props.Create(() => new NodeLauncher(program, early));

    /// <summary>
    /// A node to start: with the node program beside this one and <paramref name="Arguments"/>, or, when
    /// <paramref name="Command"/> is given, with that command line (program first: a node on another host); its
    /// standard output then goes to <paramref name="OutputLog"/>. <paramref name="AwaitGo"/>: the node joins once told
    /// "go" on its standard input, which the launcher writes as soon as it has the process.
    /// </summary>
    public sealed record NodeLaunch(string NodeId, IReadOnlyList<string> Arguments, IReadOnlyList<string>? Command = null, string? OutputLog = null,
        bool AwaitGo = false)
    {
        /// <summary>The same process: program, command and arguments alike.</summary>
        public bool SameProcessAs(NodeLaunch other) =>
            NodeId == other.NodeId && AwaitGo == other.AwaitGo && OutputLog == other.OutputLog && Arguments.SequenceEqual(other.Arguments) &&
            (Command is null ? other.Command is null : other.Command is not null && Command.SequenceEqual(other.Command));
    }
    public sealed record StartNodes(IReadOnlyList<NodeLaunch> Nodes);
    public sealed record NodeStarted(string NodeId, int Pid);
    public sealed record NodeExited(string NodeId, int Pid, int ExitCode, string? LastError);
    /// <summary>
    /// Wait for every node to exit, killing those still running after <paramref name="Grace"/>. The nodes in
    /// <paramref name="Untold"/> were not told to go (they had not joined yet): their standard input is closed, which
    /// ends them at once wherever they are in their start.
    /// </summary>
    public sealed record StopNodes(TimeSpan Grace, IReadOnlyCollection<string> Untold);
    public sealed record AllNodesExited(int Killed);

    private sealed record Started(string NodeId, Process Process);
    private sealed record StartFailed(string NodeId, string Reason);
    private sealed record Exited(string NodeId);
    private sealed record OutputLine(string NodeId, string Line);
    private sealed record GraceOver;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NodeProgram _program;
    private readonly EarlyNodes? _early;
    private readonly Dictionary<string, Process> _running = new();
    private readonly Dictionary<string, string> _lastError = new();
    private readonly Dictionary<string, StreamWriter> _outputLogs = new();
    private IActorRef? _stopRequester;
    private readonly HashSet<string> _untold = new();
    private int _killed;

    public NodeLauncher(NodeProgram program, EarlyNodes? early)
    {
        _program = program;
        _early = early;
        Receive<StartNodes>(HandleStart);
        Receive<Started>(started =>
        {
            _running[started.NodeId] = started.Process;
            Context.Parent.Tell(new NodeStarted(started.NodeId, started.Process.Id));
            // Started after the stop was asked (its launch was under way): ended at once like the others not told.
            if (_untold.Contains(started.NodeId)) NodeProcess.CloseInput(started.Process);
            if (started.Process.HasExited) Self.Tell(new Exited(started.NodeId));
        });
        Receive<StartFailed>(failed =>
        {
            _log.Error("Could not start node {Node}: {Reason}", failed.NodeId, failed.Reason);
            Context.Parent.Tell(new NodeExited(failed.NodeId, 0, -1, failed.Reason));
        });
        Receive<OutputLine>(line =>
        {
            _lastError[line.NodeId] = line.Line;
            _log.Warning("Node {Node} wrote: {Line}", line.NodeId, line.Line);
        });
        Receive<Exited>(HandleExited);
        Receive<StopNodes>(stop =>
        {
            _stopRequester = Sender;
            _untold.UnionWith(stop.Untold);
            foreach (var nodeId in stop.Untold)
                if (_running.TryGetValue(nodeId, out var process)) NodeProcess.CloseInput(process);
            if (_running.Count == 0) ReportAllExited();
            else Timers.StartSingleTimer("grace", new GraceOver(), stop.Grace);
        });
        Receive<GraceOver>(_ =>
        {
            foreach (var (nodeId, process) in _running)
            {
                _log.Warning("Node {Node} (pid {Pid}) did not exit in time; killing it", nodeId, process.Id);
                NodeProcess.Kill(process);
                _killed++;
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private void HandleStart(StartNodes start)
    {
        var self = Self;
        foreach (var node in start.Nodes)
        {
            Task.Run(() => Launch(node, self)).PipeTo(self, self, failure: e => new StartFailed(node.NodeId, e.GetBaseException().Message));
        }
    }

    private object Launch(NodeLaunch node, IActorRef self)
    {
        StreamWriter? output = null;
        if (node.OutputLog is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(node.OutputLog))!);
            output = new StreamWriter(node.OutputLog, append: true) { AutoFlush = true };
            lock (_outputLogs) _outputLogs[node.NodeId] = output;
        }
        var process = _early?.Take(node) ?? StartProcess(_program, node);
        process.ErrorDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) self.Tell(new OutputLine(node.NodeId, e.Data)); };
        process.OutputDataReceived += (_, e) =>
        {
            if (output is null || e.Data is null) return;
            lock (output)
            {
                // A line that arrives after the node's exit was handled has nowhere to go.
                if (output.BaseStream is not null) output.WriteLine(e.Data);
            }
        };
        process.Exited += (_, _) => self.Tell(new Exited(node.NodeId));
        process.EnableRaisingEvents = true;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        if (node.AwaitGo) TellGo(process);
        return new Started(node.NodeId, process);
    }

    /// <summary>
    /// Starts <paramref name="node"/>'s process, its standard streams ours (events are attached by whoever takes it
    /// over: a process that exits before then is seen as exited then).
    /// </summary>
    internal static Process StartProcess(NodeProgram program, NodeLaunch node)
    {
        ProcessStartInfo info;
        if (node.Command is { } command)
        {
            info = new ProcessStartInfo(command[0]);
            foreach (var argument in command.Skip(1)) info.ArgumentList.Add(argument);
        }
        else
        {
            info = program.StartInfo(node.Arguments);
        }
        info.RedirectStandardInput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }
        return process;
    }

    /// <summary>The orchestrator listens now: the node may join.</summary>
    private static void TellGo(Process process)
    {
        try
        {
            process.StandardInput.WriteLine(Messages.NodeCommandLine.GoLine);
            process.StandardInput.Flush();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Already gone: its exit is on its way.
        }
    }

    private void HandleExited(Exited exited)
    {
        if (!_running.Remove(exited.NodeId, out var process)) return;
        // Let the asynchronous readers drain what the node wrote last.
        process.WaitForExit(200);
        var code = process.ExitCode;
        _lastError.TryGetValue(exited.NodeId, out var lastError);
        Context.Parent.Tell(new NodeExited(exited.NodeId, process.Id, code, lastError));
        process.Dispose();
        CloseOutputLog(exited.NodeId);
        if (_running.Count == 0 && _stopRequester is not null) ReportAllExited();
    }

    private void CloseOutputLog(string nodeId)
    {
        StreamWriter? output;
        lock (_outputLogs)
            if (!_outputLogs.Remove(nodeId, out output)) return;
        lock (output) output.Dispose();
    }

    private void ReportAllExited()
    {
        _stopRequester?.Tell(new AllNodesExited(_killed));
        _stopRequester = null;
    }


    protected override void PostStop()
    {
        // No node outlives the orchestrator.
        foreach (var process in _running.Values)
        {
            NodeProcess.Kill(process);
            process.Dispose();
        }
        _running.Clear();
        foreach (var nodeId in _outputLogs.Keys.ToList()) CloseOutputLog(nodeId);
    }
}
