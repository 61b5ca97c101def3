using ActorRunner.Orchestrator.Releasing;

namespace ActorRunner.Orchestrator.Tests.Releasing;

public sealed class LateReleaseWarningsSpecs
{
    [Fact]
    public void The_first_late_releases_are_warnings_the_last_of_them_says_so_and_the_rest_are_not()
    {
        var warnings = new LateReleaseWarnings();

        var said = Enumerable.Range(0, LateReleaseWarnings.Warned + 5).Select(_ => warnings.Next()).ToList();

        Assert.Equal(LateReleaseWarnings.Warned + 5, warnings.Count);
        Assert.All(said.Take(LateReleaseWarnings.Warned), s => Assert.True(s.Warning));
        Assert.All(said.Skip(LateReleaseWarnings.Warned), s => Assert.False(s.Warning));
        Assert.Equal([LateReleaseWarnings.Warned - 1], said.Select((s, i) => (s, i)).Where(x => x.s.LastWarning).Select(x => x.i));
    }
}
