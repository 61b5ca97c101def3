using Serilog.Events;
using AkkaLevel = Akka.Event.LogLevel;

namespace ActorRunner.Hosting.Tests;

/// <summary>Both processes read a level's name, and set its two gates, through <see cref="LogLevels"/>.</summary>
public sealed class LogLevelsSpecs
{
    [Theory]
    [InlineData("verbose", LogEventLevel.Verbose)]
    [InlineData("debug", LogEventLevel.Debug)]
    [InlineData("information", LogEventLevel.Information)]
    [InlineData("info", LogEventLevel.Information)]
    [InlineData("Warning", LogEventLevel.Warning)]
    [InlineData("ERROR", LogEventLevel.Error)]
    public void A_documented_name_in_any_case_is_its_level(string name, LogEventLevel level) =>
        Assert.Equal(level, LogLevels.Parse(name));

    [Theory]
    [InlineData("fatal")]
    [InlineData("3")]
    [InlineData("")]
    [InlineData("warn")]
    public void Anything_else_is_no_level(string name) => Assert.Null(LogLevels.Parse(name));

    [Fact]
    public void Every_listed_name_reads_back_as_itself()
    {
        Assert.Equal("verbose, debug, information, warning, error", LogLevels.Listed);
        foreach (var name in LogLevels.Names) Assert.Equal(name, LogLevels.Name(LogLevels.Parse(name)!.Value));
    }

    [Theory]
    [InlineData(LogEventLevel.Verbose, AkkaLevel.DebugLevel)]
    [InlineData(LogEventLevel.Debug, AkkaLevel.DebugLevel)]
    [InlineData(LogEventLevel.Information, AkkaLevel.InfoLevel)]
    [InlineData(LogEventLevel.Warning, AkkaLevel.WarningLevel)]
    [InlineData(LogEventLevel.Error, AkkaLevel.ErrorLevel)]
    public void Akkas_gate_lets_through_what_Serilogs_minimum_keeps(LogEventLevel level, AkkaLevel akka) =>
        Assert.Equal(akka, LogLevels.Akka(level));
}
