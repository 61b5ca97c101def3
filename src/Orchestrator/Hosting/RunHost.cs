using System.Diagnostics;
using System.Runtime.InteropServices;
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
    /// <summary>How long the host may take to stop once the run is over (its actor system's shutdown included).</summary>
    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(5);

    /// <param name="presenter">What a person is shown (default: the console's progress, verdicts and summary); it
    /// says the exit code once the run is over.</param>
    public static async Task<int> RunAsync(RunRequest request, IRunPresenter? presenter = null)
    {
        RunSettings settings;
        Scenario scenario;
        Akka.Configuration.Config userAkka;
        NodeProgram nodeProgram;
        try
        {
            var layers = new List<SettingsLoader.Layer>();
            if (request.ConfigFile is not null) layers.Add(SettingsLoader.FromFile(request.ConfigFile));
            layers.AddRange(request.Assignments.Select(SettingsLoader.FromAssignment));
            layers.AddRange(SettingsLoader.FromOptions(request.Options));
            (settings, userAkka, scenario) = SettingsLoader.Load(layers);
            Preflight.Check(settings);
            nodeProgram = settings.Nodes > 0 ? NodeProgram.Locate() : new NodeProgram("", []);
        }
        catch (Exception e) when (e is SettingsError or FileNotFoundException)
        {
            return Fail(ExitCode.BadUsage, e.Message);
        }

        if (CheckScenario(scenario, settings) is { } refused) return refused;
        WarnIfTheLockTimeoutIsShort(settings);
        foreach (var warning in Preflight.Warnings(settings)) Console.Error.WriteLine($"actor-runner: warning: {warning}");
        var run = CreateRun(settings);
        var phase = new RunPhase();
        using var logger = OrchestratorLogging.Create(run.RunId, Path.Combine(run.LogsFolder, "orchestrator.clef"), OrchestratorSetup.Level(settings), phase);
        var steps = new ScenarioSteps(scenario, SettingsLoader.ScenarioRunOf(settings, run.RunId, run.DbPath),
            new SerilogLoggerFactory(logger).CreateLogger("ActorRunner.Scenario"));
        try
        {
            steps.BeforeRun();
        }
        catch (Exception e)
        {
            logger.ForContext(OrchestratorLogging.ToldOnStderr, true).Error(e, "Scenario {Scenario} could not prepare the run (BeforeRun)", settings.Scenario);
            var what = settings.Scenario == ScenarioCatalog.Default ? $"cannot prepare the database {run.DbPath}" : $"scenario {settings.Scenario} could not prepare the run";
            return Fail(ExitCode.Inconclusive, $"{what}: {OneLine(e.Message)}");
        }

        var console = presenter ?? ConsoleReporter.ForStandardOutput();
        var done = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = RunnerHost.Build(logger, Protocol.SystemName, (akka, _) => akka
            .WithRunnerRemoting(OrchestratorSetup.Level(settings), OrchestratorSetup.Endpoint(settings), userAkka)
            .WithOrchestrator(settings, run, steps, console, nodeProgram, done, phase));
        try
        {
            await host.StartAsync();
        }
        catch (Exception e)
        {
            logger.ForContext(OrchestratorLogging.ToldOnStderr, true).Error(e, "The orchestrator could not start on {Hostname}:{Port}", settings.Hostname, settings.Port);
            await logger.DisposeAsync();
            TryDelete(run.RunFolder);
            return Fail(ExitCode.BadUsage, $"cannot start the orchestrator on {settings.Hostname}:{settings.Port}: {e.GetBaseException().Message}");
        }

        var orchestrator = host.Services.GetRequiredService<ActorRegistry>().Get<OrchestratorActor>();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt(orchestrator));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt(orchestrator));

        var outcome = await WaitBounded(done.Task, settings, logger);
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
        TimelineData? timeline = null;
        try
        {
            timeline = TimelineBuilder.Build(run.RunId, run.ProcessStartUs, outcome);
            TimelineBuilder.WriteJsonl(timeline.Events, Path.Combine(run.RunFolder, "timeline.jsonl"));
            TimelinePage.Write(timeline, Path.Combine(run.RunFolder, "timeline.html"));
            TimelineTrace.Write(timeline, Path.Combine(run.RunFolder, TimelineTrace.FileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.Error(e, "Cannot write the timeline in {RunFolder}", run.RunFolder);
        }
        logger.Information("Run {RunId} ends {Verdict} with exit code {ExitCode}; report {ReportPath}", run.RunId, report.Verdict, (int)exitCode, run.ReportPath);
        var shownExitCode = console.Finished(run, report with { ExitCode = (int)exitCode }, timeline);

        if (!await RunnerHost.StopAsync(host, StopWithin))
            logger.Warning("The actor system did not stop within {StopWithinS} s", StopWithin.TotalSeconds);
        return shownExitCode;
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
            return Fail(ExitCode.BadUsage, $"{settings.Scenario}: {OneLine(e.Message)}");
        }
        catch (Exception e)
        {
            return Fail(ExitCode.Inconclusive, $"scenario {settings.Scenario} could not prepare the run: {OneLine(e.Message)}");
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

    /// <summary>
    /// Every task queues for one lock: the last of N waits for about N critical sections. At a few hundred a
    /// second (this machine's order of magnitude with fsync), a lock timeout shorter than that will end the
    /// loop inconclusive; say so before starting rather than after.
    /// </summary>
    private static void WarnIfTheLockTimeoutIsShort(RunSettings settings)
    {
        if (settings.Lock == RunnerLock.None) return;
        var queue = TimeSpan.FromSeconds(settings.Tasks / 400.0);
        if (queue > settings.LockTimeout)
            Console.Error.WriteLine($"actor-runner: warning: {settings.Tasks} tasks queue for one lock; the last may wait about " +
                                    $"{queue.TotalSeconds:0} s, longer than lock.timeout ({settings.LockTimeout.TotalSeconds:0.###} s): raise --lock-timeout");
    }

    private static Action<PosixSignalContext> Interrupt(IActorRef orchestrator) => context =>
    {
        context.Cancel = true;
        orchestrator.Tell(OrchestratorActor.Interrupt.Instance);
    };

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

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

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
