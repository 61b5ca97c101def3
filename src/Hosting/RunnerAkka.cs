using ActorRunner.Messages.Security;
using ActorRunner.Messages.Serialization;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Serilog.Events;

namespace ActorRunner.Hosting;

/// <summary>Where a process's Akka.Remote binds and is reached, and its TLS files (PEM) when the run uses TLS.</summary>
public sealed record RemotingEndpoint(string HostName, int Port, string? PublicHostName, (string Cert, string Key, string Ca)? Tls);

/// <summary>The Akka set-up of both processes.</summary>
public static class RunnerAkka
{
    /// <summary>The Akka settings both processes read (beside the app: <c>hocon/akka.conf</c>).</summary>
    public static string SettingsFile => Path.Combine(AppContext.BaseDirectory, "hocon", "akka.conf");

    /// <summary>
    /// Akka's logging through the host's loggers at <paramref name="level"/>'s gate, the shared Akka settings (the
    /// user's own akka section over them), remoting at <paramref name="endpoint"/> (TLS with mutual authentication
    /// when it has files) and the wire format with strict serialization.
    /// </summary>
    public static AkkaConfigurationBuilder WithRunnerRemoting(this AkkaConfigurationBuilder akka, LogEventLevel level, RemotingEndpoint endpoint,
        Config? userAkka = null)
    {
        akka.ConfigureLoggers(setup =>
            {
                setup.LogLevel = LogLevels.Akka(level);
                setup.ClearLoggers();
                setup.AddLoggerFactory();
            })
            .AddHoconFile(SettingsFile, HoconAddMode.Prepend);
        if (userAkka is { IsEmpty: false }) akka.AddHocon(userAkka, HoconAddMode.Prepend);
        return akka
            .WithRemoting(new RemoteOptions
            {
                HostName = endpoint.HostName,
                Port = endpoint.Port,
                PublicHostName = endpoint.PublicHostName,
                EnableSsl = endpoint.Tls is not null,
                Ssl = endpoint.Tls is { } tls ? RunnerTls.Options(tls.Cert, tls.Key, tls.Ca) : null!,
            })
            .WithRunnerSerialization();
    }
}
