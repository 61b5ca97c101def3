using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace ActorRunner.Hosting;

/// <summary>The host of either process: one actor system, logging through Serilog, signals left to the process.</summary>
public static class RunnerHost
{
    /// <summary>
    /// A host without defaults (none of the configuration files a default host watches: past 128 processes their
    /// inotify watches run out), logging to <paramref name="logger"/>, with the actor system
    /// <paramref name="systemName"/> that <paramref name="akka"/> sets up.
    /// </summary>
    public static IHost Build(Serilog.ILogger logger, string systemName, Action<AkkaConfigurationBuilder, IServiceProvider> akka)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSerilog(logger);
        builder.Services.AddSingleton<IHostLifetime, ProgramLifetime>();
        builder.Services.AddAkka(systemName, akka);
        return builder.Build();
    }

    /// <summary>
    /// Until disposed, SIGINT, SIGTERM and SIGHUP (the terminal or the ssh session closed) call
    /// <paramref name="onSignal"/> instead of ending the process: each process stops in its own order (the
    /// orchestrator with its report, a node by leaving the run).
    /// </summary>
    public static IDisposable OnStopSignals(Action onSignal) => new StopSignals(onSignal);

    /// <summary>
    /// Catches SIGINT, SIGTERM and SIGHUP from now on, for a stop that can be told only later (the orchestrator's
    /// actor, once its host has started): a signal caught before <see cref="StopSignalLatch.Deliver"/> is delivered
    /// then, and none is lost or ends the process meanwhile.
    /// </summary>
    public static StopSignalLatch CatchStopSignals() => new();

    private sealed class StopSignals : IDisposable
    {
        private readonly PosixSignalRegistration _sigint;
        private readonly PosixSignalRegistration _sigterm;
        private readonly PosixSignalRegistration _sighup;

        public StopSignals(Action onSignal)
        {
            _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle);

            void Handle(PosixSignalContext context)
            {
                context.Cancel = true;
                onSignal();
            }
        }

        public void Dispose()
        {
            _sigint.Dispose();
            _sigterm.Dispose();
            _sighup.Dispose();
        }
    }

    /// <summary>Stop signals caught before their action is known, held for it (<see cref="CatchStopSignals"/>).</summary>
    public sealed class StopSignalLatch : IDisposable
    {
        private readonly object _gate = new();
        private readonly IDisposable _signals;
        private Action? _onSignal;
        private bool _caught;

        internal StopSignalLatch() => _signals = new StopSignals(Signal);

        /// <summary>One signal: to the action when it is known, else held for it.</summary>
        public void Signal()
        {
            Action? onSignal;
            lock (_gate)
            {
                onSignal = _onSignal;
                if (onSignal is null) _caught = true;
            }
            onSignal?.Invoke();
        }

        /// <summary>From now on each signal calls <paramref name="onSignal"/>; one caught before is delivered at once.</summary>
        public void Deliver(Action onSignal)
        {
            bool caught;
            lock (_gate)
            {
                _onSignal = onSignal;
                caught = _caught;
            }
            if (caught) onSignal();
        }

        public void Dispose() => _signals.Dispose();
    }

    /// <summary>Stops the host and its actor system; false when that took longer than <paramref name="within"/>.</summary>
    public static async Task<bool> StopAsync(IHost host, TimeSpan within)
    {
        // Akka logs its last lines (remoting shut down) after our loggers have gone, straight to the console.
        host.Services.GetRequiredService<ActorSystem>().EventStream.SetLogLevel(Akka.Event.LogLevel.WarningLevel);
        using var stopping = new CancellationTokenSource(within);
        try
        {
            await host.StopAsync(stopping.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
