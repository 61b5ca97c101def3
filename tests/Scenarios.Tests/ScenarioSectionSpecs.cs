namespace ActorRunner.Scenarios.Tests;

public sealed class ScenarioSectionSpecs
{
    private static readonly ScenarioSection Section = new("actor-runner.my", new Dictionary<string, string> { ["limit"] = "0", ["on"] = "maybe" });

    [Theory]
    [InlineData("limit", "0 is below the minimum of 1")]
    [InlineData("on", "'maybe' is not on or off")]
    [InlineData("absent", "missing")]
    public void A_refused_value_names_its_full_key_apart_from_the_problem(string key, string problem)
    {
        var error = Assert.Throws<ScenarioSettingsException>(() =>
        {
            if (key == "on") Section.GetBool(key);
            else Section.GetInt(key, min: 1);
        });

        Assert.Equal($"actor-runner.my.{key}", error.Key);
        Assert.Equal(problem, error.Problem);
        Assert.Equal($"actor-runner.my.{key}: {problem}", error.Message);
    }

    [Fact]
    public void A_refusal_given_as_a_whole_message_has_no_key()
    {
        var error = new ScenarioSettingsException("actor-runner.my.limit: too low");

        Assert.Null(error.Key);
        Assert.Equal("actor-runner.my.limit: too low", error.Problem);
        Assert.Equal(error.Problem, error.Message);
    }
}
