using System.Diagnostics;
using System.Security.Cryptography;
using ActorRunner.Hosting;
using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Cli;
using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Launching;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;
using ActorRunner.Orchestrator.Verification;
using ActorRunner.Scenarios;
using Serilog.Extensions.Logging;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorRunner.Orchestrator.Hosting;

/// <summary>One run from settings to exit code: check, create the run folder, start Akka, wait, report.</summary>
public static class RunHost
{
    /// <summary>What the settings name: the settings, the user's own akka section, the scenario, the node program.</summary>
    private sealed record Loaded(RunSettings Settings, Akka.Configuration.Config UserAkka, Scenario Scenario, NodeProgram NodeProgram);

    /// <param name="presenter">What a person is shown (default: the console's progress, verdicts and summary); it
    /// says the exit code once the run is over.</param>
    public static async Task<int> RunAsync(RunRequest request, IRunPresenter? presenter = null)
    {
        // From here on SIGINT, SIGTERM and SIGHUP stop the run in order, with its report: one that comes before the
        // orchestrator's actor is up (while the run is set up and its nodes start) is told to it then; a run that
        // never gets that far ends anyway.
        using var signals = RunnerHost.CatchStopSignals();
        if (Load(request) is not { } loaded) return (int)ExitCode.BadUsage;
        // A scenario that holds something for the run (a connection) gives it back once the run is over.
        using var scenarioHeld = loaded.Scenario as IDisposable;
        var settings = loaded.Settings;
        if (CheckScenario(loaded.Scenario, settings) is { } refused) return refused;
        WarnBeforeStarting(settings);
        var run = CreateRun(settings);
        var phase = new RunPhase();
        using var logger = OrchestratorLogging.Create(run.RunId, Path.Combine(run.LogsFolder, "orchestrator.clef"), OrchestratorSetup.Level(settings), phase);
        using var cpusAwake = KeepCpusAwake(settings, run, logger);
        run = run with { CpusKeptAwake = cpusAwake?.Held ?? false };
        var endpoint = Endpoint(settings);
        // Until the launcher takes them over, the nodes started here are ended with the run, whatever ends it.
        using var early = StartNodesEarly(loaded, run, endpoint, logger);
        if (PrepareScenario(loaded, run, logger) is not { } steps) return (int)ExitCode.Inconclusive;

        var console = presenter ?? ConsoleReporter.ForStandardOutput();
        var done = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        IHost Build(RemotingEndpoint at, EarlyNodes nodes) => RunnerHost.Build(logger, Protocol.SystemName, (akka, _) => akka
            .WithRunnerRemoting(OrchestratorSetup.Level(settings), at, loaded.UserAkka)
            .WithOrchestrator(settings, run, steps, console, loaded.NodeProgram, done, phase, nodes));
        using var host = await StartAsync(Build, endpoint, picked: endpoint.Port != settings.Port, run, logger, early);
        if (host is null) return (int)ExitCode.BadUsage;
        var orchestrator = host.Services.GetRequiredService<ActorRegistry>().Get<OrchestratorActor>();
        signals.Deliver(() => orchestrator.Tell(OrchestratorActor.Interrupt.Instance));

        var outcome = await WaitBounded(done.Task, settings, logger);
        var (report, timeline) = WriteOutputs(run, settings, outcome, logger);
        logger.Information("Run {RunId} ends {Verdict} with exit code {ExitCode}; report {ReportPath}", run.RunId, report.Verdict, report.ExitCode, run.ReportPath);
        var shownExitCode = console.Finished(run, report, timeline);

        if (!await RunnerHost.StopAsync(host, OrchestratorTimings.HostStop))
            logger.Warning("The actor system did not stop within {HostStopS} s", OrchestratorTimings.HostStop.TotalSeconds);
        return shownExitCode;
    }

    /// <summary>
    /// This machine's CPUs held out of slow idle states until the run is over, when the settings ask for it (null when
    /// they do not); one that cannot be held is said once, and the run goes on.
    /// </summary>
    private static CpuWakeLatency? KeepCpusAwake(RunSettings settings, RunContext run, Serilog.ILogger logger)
    {
        if (!settings.KeepCpusAwake) return null;
        var held = CpuWakeLatency.HoldAtZero();
        if (held.Unavailable is { } why)
            logger.Warning("Run {RunId}: this machine's CPUs cannot be kept out of slow idle states ({Reason}); tasks may resume later after the instant",
                run.RunId, why);
        else
            logger.Information("Run {RunId}: this machine's CPUs are kept out of slow idle states until the run is over", run.RunId);
        return held;
    }

    /// <summary>The settings from their layers (file, --set pairs, options), checked; null (the error told) when they are refused.</summary>
    private static Loaded? Load(RunRequest request)
    {
        try
        {
            var layers = new List<SettingsLoader.Layer>();
            if (request.ConfigFile is not null) layers.Add(SettingsLoader.FromFile(request.ConfigFile));
            layers.AddRange(request.Assignments.Select(SettingsLoader.FromAssignment));
            layers.AddRange(SettingsLoader.FromOptions(request.Options));
            var (settings, userAkka, scenario) = SettingsLoader.Load(layers);
            Preflight.Check(settings, layers);
            var nodeProgram = settings.Nodes > 0 ? NodeProgram.Locate() : new NodeProgram("", []);
            return new Loaded(settings, userAkka, scenario, nodeProgram);
        }
        catch (Exception e) when (e is SettingsError or FileNotFoundException)
        {
            Fail(ExitCode.BadUsage, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Where the orchestrator binds: when it may bind any port (0) and starts nodes on this machine, a port chosen
    /// now, so that those nodes can be started before it binds (<see cref="StartNodesEarly"/>).
    /// </summary>
    private static RemotingEndpoint Endpoint(RunSettings settings)
    {
        var endpoint = OrchestratorSetup.Endpoint(settings);
        if (endpoint.Port != 0 || settings.Nodes == 0) return endpoint;
        return endpoint with { Port = EarlyNodes.PickPort(endpoint.HostName) };
    }

    /// <summary>
    /// The nodes this machine runs, started now, while the orchestrator's host and actor system start: each starts
    /// its own meanwhile and joins when the launcher tells it "go" (once the orchestrator listens). Nodes on other
    /// hosts start as before, once the orchestrator listens.
    /// </summary>
    private static EarlyNodes StartNodesEarly(Loaded loaded, RunContext run, RemotingEndpoint endpoint, Serilog.ILogger logger)
    {
        if (endpoint.Port == 0 || loaded.Settings.Nodes == 0) return EarlyNodes.None;
        var address = new Address("akka.tcp", Protocol.SystemName, endpoint.PublicHostName ?? endpoint.HostName, endpoint.Port).ToString();
        var launches = Books.NodeRoster.Of(loaded.Settings).Launched.Where(n => n.LaunchedOn is null)
            .Select(n => NodeLaunches.For(loaded.Settings, run, n.Id, null, address));
        return EarlyNodes.Start(loaded.NodeProgram, launches, logger);
    }

    /// <summary>What may go wrong though the settings are valid, said on stderr before anything starts.</summary>
    private static void WarnBeforeStarting(RunSettings settings)
    {
        WarnIfTheLockTimeoutIsShort(settings);
        foreach (var warning in Preflight.Warnings(settings)) Console.Error.WriteLine($"actor-runner: warning: {warning}");
    }

    /// <summary>The scenario's steps for this run, its BeforeRun done; null (the error told and logged) when it failed.</summary>
    private static ScenarioSteps? PrepareScenario(Loaded loaded, RunContext run, Serilog.ILogger logger)
    {
        var settings = loaded.Settings;
        var steps = new ScenarioSteps(loaded.Scenario, SettingsLoader.ScenarioRunOf(settings, run.RunId, run.DbPath),
            new SerilogLoggerFactory(logger).CreateLogger("ActorRunner.Scenario"));
        try
        {
            steps.BeforeRun();
            return steps;
        }
        catch (Exception e)
        {
            logger.ForContext(OrchestratorLogging.ToldOnStderr, true).Error(e, "Scenario {Scenario} could not prepare the run (BeforeRun)", settings.Scenario);
            var what = settings.Scenario == ScenarioCatalog.Default ? $"cannot prepare the database {run.DbPath}" : $"scenario {settings.Scenario} could not prepare the run";
            Fail(ExitCode.Inconclusive, $"{what}: {RunnerLogging.OneLine(e.Message)}");
            return null;
        }
    }

    /// <summary>
    /// Builds and starts the host (remoting binds, the orchestrator starts its nodes); null (the error told and logged,
    /// the log closed and the run folder removed) when it could not start. A port the orchestrator <paramref name="picked"/>
    /// itself for its early nodes may have been taken by another process before it bound: then the early nodes are
    /// stopped, and it binds any free port and starts its nodes once it listens. A port the user gave is not retried.
    /// </summary>
    private static async Task<IHost?> StartAsync(Func<RemotingEndpoint, EarlyNodes, IHost> build, RemotingEndpoint endpoint, bool picked,
        RunContext run, Serilog.Core.Logger logger, EarlyNodes early)
    {
        var host = build(endpoint, early);
        try
        {
            await StartAsync(host);
            return host;
        }
        catch (Exception e) when (picked && AddressInUse(e))
        {
            host.Dispose();
            var killed = early.Stop(OrchestratorTimings.EarlyNodesStop);
            logger.Warning("Port {Port} on {Hostname}, picked for the orchestrator so that its nodes could start before it binds, " +
                           "was taken by another process before it bound; the nodes started early were stopped ({Killed} killed), " +
                           "and the orchestrator binds any free port and starts its nodes once it listens", endpoint.Port, endpoint.HostName, killed);
        }
        catch (Exception e)
        {
            host.Dispose();
            await FailToStart(e, endpoint, run, logger, early);
            return null;
        }

        var anyPort = endpoint with { Port = 0 };
        host = build(anyPort, EarlyNodes.None);
        try
        {
            await StartAsync(host);
            return host;
        }
        catch (Exception e)
        {
            host.Dispose();
            await FailToStart(e, anyPort, run, logger, early);
            return null;
        }
    }

    /// <summary>
    /// The actor system is made (remoting binds) here, before the host starts it: a failure reaches the caller as it
    /// is, not first written to the console by the hosted service that would otherwise make it.
    /// </summary>
    private static async Task StartAsync(IHost host)
    {
        host.Services.GetRequiredService<ActorSystem>();
        await host.StartAsync();
    }

    private static async Task FailToStart(Exception e, RemotingEndpoint endpoint, RunContext run, Serilog.Core.Logger logger, EarlyNodes early)
    {
        // The nodes started early have no orchestrator to join: they end now, before the run folder goes.
        early.Dispose();
        logger.ForContext(OrchestratorLogging.ToldOnStderr, true).Error(e, "The orchestrator could not start on {Hostname}:{Port}", endpoint.HostName, endpoint.Port);
        await logger.DisposeAsync();
        TryDelete(run.RunFolder);
        Fail(ExitCode.BadUsage, $"cannot start the orchestrator on {endpoint.HostName}:{endpoint.Port}: {e.GetBaseException().Message}");
    }

    /// <summary>Whether <paramref name="e"/> says the address to bind was in use (however the transport wrapped it).</summary>
    internal static bool AddressInUse(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }) return true;
            if (inner is AggregateException aggregate && aggregate.InnerExceptions.Any(AddressInUse)) return true;
        }
        return false;
    }

    /// <summary>
    /// The report and the timeline (JSON lines, page, trace) in the run folder. The report returned carries the
    /// exit code to show: the verdict's, or inconclusive when the report could not be written.
    /// </summary>
    private static (RunReport Report, TimelineData? Timeline) WriteOutputs(RunContext run, RunSettings settings, RunOutcome outcome, Serilog.ILogger logger)
    {
        var exitCode = ExitCodes.For(outcome.Verdict);
        var report = RunReport.From(run, settings, outcome, exitCode, (WireClock.NowUs() - run.ProcessStartUs) / 1000.0);
        try
        {
            report.WriteTo(run.ReportPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.Error(e, "Cannot write the report {ReportPath}", run.ReportPath);
            exitCode = ExitCode.Inconclusive;
        }
        return (report with { ExitCode = (int)exitCode }, WriteTimeline(run, outcome, logger));
    }

    private static TimelineData? WriteTimeline(RunContext run, RunOutcome outcome, Serilog.ILogger logger)
    {
        try
        {
            var timeline = TimelineBuilder.Build(run.RunId, run.ProcessStartUs, outcome);
            TimelineBuilder.WriteJsonl(timeline.Events, Path.Combine(run.RunFolder, "timeline.jsonl"));
            TimelinePage.Write(timeline, Path.Combine(run.RunFolder, "timeline.html"));
            TimelineTrace.Write(timeline, Path.Combine(run.RunFolder, TimelineTrace.FileName));
            return timeline;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.Error(e, "Cannot write the timeline in {RunFolder}", run.RunFolder);
            return null;
        }
    }

    /// <summary>
    /// The scenario's preflight, before the run folder is made and any node starts: a run that cannot work as
    /// configured is refused (exit code 2), a server that cannot be checked ends the run inconclusive (exit code 3).
    /// </summary>
    private static int? CheckScenario(Scenario scenario, RunSettings settings)
    {
        try
        {
            scenario.Preflight(new LoopContext(SettingsLoader.ScenarioRunOf(settings, "", ""), 0, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
            return null;
        }
        catch (ScenarioPreflightException e)
        {
            return Fail(ExitCode.BadUsage, $"{settings.Scenario}: {RunnerLogging.OneLine(e.Message)}");
        }
        catch (Exception e)
        {
            return Fail(ExitCode.Inconclusive, $"scenario {settings.Scenario} could not prepare the run: {RunnerLogging.OneLine(e.Message)}");
        }
    }

    /// <summary>The actors bound every wait; this is the last guard, far beyond all of them added up.</summary>
    private static async Task<RunOutcome> WaitBounded(Task<RunOutcome> done, RunSettings settings, Serilog.ILogger logger)
    {
        var limit = RunBound.Of(settings);
        if (await RunBound.Within(done, limit)) return await done;
        logger.Error("The run did not end within {LimitS} s; giving up", limit.TotalSeconds);
        return new RunOutcome(Verification.Verdict.Inconclusive, [], [], $"the run did not end within {limit.TotalSeconds:0} s", false, 0, [],
            new Books.LoopBook().Summary(TimeSpan.Zero), Books.StoppedBy.Failure);
    }

    /// <summary>Critical sections a second under one lock, as <see cref="WarnIfTheLockTimeoutIsShort"/> reckons.</summary>
    private const double LockedSectionsPerSecond = 400;

    /// <summary>
    /// Every task queues for one lock: the last of N waits for about N critical sections. At a few hundred a
    /// second (this machine's order of magnitude with fsync), a lock timeout shorter than that will end the
    /// loop inconclusive; say so before starting rather than after.
    /// </summary>
    private static void WarnIfTheLockTimeoutIsShort(RunSettings settings)
    {
        if (settings.Lock == RunnerLock.None) return;
        var queue = TimeSpan.FromSeconds(settings.Tasks / LockedSectionsPerSecond);
        if (queue > settings.LockTimeout)
            Console.Error.WriteLine($"actor-runner: warning: {settings.Tasks} tasks queue for one lock; the last may wait about " +
                                    $"{queue.TotalSeconds:0} s, longer than lock.timeout ({settings.LockTimeout.TotalSeconds:0.###} s): raise --lock-timeout");
    }

    private static RunContext CreateRun(RunSettings settings)
    {
        var runId = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(2)).ToLowerInvariant()}";
        var folder = Path.GetFullPath(Path.Combine(settings.Out, runId));
        var logs = Path.Combine(folder, "logs");
        Directory.CreateDirectory(logs);
        var token = settings.Token.Length > 0 ? settings.Token : Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var processStart = new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime());
        return new RunContext(runId, token, folder,
            settings.Db.Length > 0 ? Path.GetFullPath(settings.Db) : Path.Combine(folder, "counter.db"),
            settings.LockFile.Length > 0 ? Path.GetFullPath(settings.LockFile) : Path.Combine(folder, "counter.lock"),
            settings.Report.Length > 0 ? Path.GetFullPath(settings.Report) : Path.Combine(folder, "report.json"),
            logs,
            processStart.ToUnixTimeMilliseconds() * 1000);
    }

    private static int Fail(ExitCode code, string message)
    {
        Console.Error.WriteLine($"actor-runner: {message}");
        return (int)code;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Leave it: it holds the log of why the run could not start.
        }
    }
}
