using Serilog.Events;

namespace ActorRunner.Hosting;

/// <summary>
/// The log levels a person names (<c>--log-level</c>, <c>log-level</c>), read the same way by both processes, and the
/// two gates each level sets: Serilog's minimum level and Akka's own.
/// </summary>
public static class LogLevels
{
    /// <summary>The names, least severe first, as the documentation lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["verbose", "debug", "information", "warning", "error"];

    /// <summary>The names as a message lists them: "verbose, debug, information, warning, error".</summary>
    public static string Listed => string.Join(", ", Names);

    /// <summary>
    /// A level by its name, in any case; "info" is read as "information". Null for anything else (Serilog's
    /// "fatal" and numbers included: they are not documented).
    /// </summary>
    public static LogEventLevel? Parse(string name) => name.ToLowerInvariant() switch
    {
        "verbose" => LogEventLevel.Verbose,
        "debug" => LogEventLevel.Debug,
        "information" or "info" => LogEventLevel.Information,
        "warning" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        _ => null,
    };

    /// <summary>The name of a level as <see cref="Names"/> writes it (what a process passes on to another).</summary>
    public static string Name(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "verbose",
        LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "information",
        LogEventLevel.Warning => "warning",
        _ => "error",
    };

    /// <summary>Akka's gate for a level: Akka has no verbose, so verbose lets its debug events through.</summary>
    public static Akka.Event.LogLevel Akka(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => global::Akka.Event.LogLevel.DebugLevel,
        LogEventLevel.Information => global::Akka.Event.LogLevel.InfoLevel,
        LogEventLevel.Warning => global::Akka.Event.LogLevel.WarningLevel,
        _ => global::Akka.Event.LogLevel.ErrorLevel,
    };
}
