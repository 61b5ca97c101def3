using ActorRunner.Orchestrator.Configuration;
using ActorRunner.Orchestrator.Launching;

namespace ActorRunner.Orchestrator.Tests.Launching;

public sealed class LaunchTemplateSpecs
{
    private static readonly string[] Args = ["--orchestrator", "akka.tcp://actor-runner@10.0.0.1:4053", "--token", "a b"];

    [Fact]
    public void The_host_goes_in_every_word_and_the_arguments_become_words_of_their_own()
    {
        var template = LaunchTemplate.Parse("ssh {host} dotnet /opt/actor-runner/ActorRunner.TaskNode.dll {args}");

        Assert.Equal(["ssh", "me@h1", "dotnet", "/opt/actor-runner/ActorRunner.TaskNode.dll", .. Args], template.Command("me@h1", Args));
    }

    [Fact]
    public void Quotes_keep_a_word_together_and_the_host_is_put_inside_it()
    {
        var template = LaunchTemplate.Parse("""ip netns exec {host} env 'FAKETIME_TIMESTAMP_FILE=/tmp/clock of {host}' "A=\"1\"" x\ y {args} --db /d""");

        Assert.Equal(["ip", "netns", "exec", "ns1", "env", "FAKETIME_TIMESTAMP_FILE=/tmp/clock of ns1", "A=\"1\"", "x y", .. Args, "--db", "/d"],
            template.Command("ns1", Args));
    }

    [Theory]
    [InlineData("ssh {host} dotnet node.dll", "has no {args} word")]
    [InlineData("ssh {host} dotnet node.dll --x={args}", "has no {args} word")]
    [InlineData("   ", "is empty")]
    [InlineData("{args}", "starts with {args}")]
    [InlineData("ssh '{host} {args}", "unclosed ' quote")]
    public void A_template_that_cannot_start_a_node_is_refused_saying_why(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => LaunchTemplate.Parse(text));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void The_host_name_drops_the_user()
    {
        Assert.Equal("h1.example", LaunchTemplate.HostName("deploy@h1.example"));
        Assert.Equal("10.0.0.2", LaunchTemplate.HostName("10.0.0.2"));
    }

    [Fact]
    public void Hosts_add_remote_nodes_and_need_a_template_with_args()
    {
        var settings = SettingsLoader.Load([SettingsLoader.FromAssignment("remote.hosts=\" h1, me@h2 \""),
            SettingsLoader.FromAssignment("remote.launch=\"ssh {host} node {args}\""), SettingsLoader.FromAssignment("remote.token=t"),
            SettingsLoader.FromAssignment("tasks=4")]).Settings;

        Assert.Equal(["h1", "me@h2"], settings.RemoteHosts);
        Assert.Equal(2, settings.RemoteNodes);
        Assert.Equal(0, settings.Nodes);

        var missing = Assert.Throws<SettingsError>(() => SettingsLoader.Load([SettingsLoader.FromAssignment("remote.hosts=h1")]));
        Assert.Contains("remote.launch", missing.Message);
        Assert.Contains("remote hosts need a launch template", missing.Message);
        var bad = Assert.Throws<SettingsError>(() => SettingsLoader.Load([SettingsLoader.FromAssignment("remote.launch=\"ssh {host} node\"")]));
        Assert.Contains("remote.launch", bad.Message);
        Assert.Contains("has no {args} word", bad.Message);
    }
}
