using System.CommandLine;
using ActorRunner.Orchestrator.Cli;

namespace ActorRunner.Orchestrator.Tests.Cli;

public sealed class WholeNumberSpecs
{
    private static ParseResult Parse(params string[] args) => RunCommand.Create((_, _) => Task.FromResult(0)).Parse(args);

    [Theory]
    [InlineData("--tasks", "99999999999")]
    [InlineData("--loops", "2147483648")]
    [InlineData("--nodes", "two")]
    [InlineData("--port", "1.5")]
    public void A_value_that_is_not_a_whole_number_in_range_is_one_error_naming_the_option(string option, string value)
    {
        var error = Assert.Single(Parse(option, value).Errors);

        Assert.Equal($"{option}: '{value}' is not a whole number from -2147483648 to 2147483647", error.Message);
    }

    [Fact]
    public void A_whole_number_reaches_the_run_as_given()
    {
        RunRequest? request = null;
        var parse = RunCommand.Create((r, _) =>
        {
            request = r;
            return Task.FromResult(0);
        }).Parse(["--tasks", "2147483647", "--loops", "-3"]);

        Assert.Empty(parse.Errors);
        Assert.Equal(0, parse.Invoke());
        Assert.Equal(2147483647, request!.Options["tasks"].Value);
        Assert.Equal(-3, request.Options["loops"].Value);
    }
}
