using ActorRunner.Orchestrator.Launching;

namespace ActorRunner.Orchestrator.Tests.Launching;

/// <summary>Where the orchestrator finds the node program: beside it after a build, and inside an installed tool.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeProgramSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("node-program-").FullName;

    private string Dll => Path.Combine(_folder, "ActorRunner.TaskNode.dll");
    private string Launcher => Path.Combine(_folder, "ActorRunner.TaskNode");

    [Fact]
    public void An_executable_launcher_is_started_itself()
    {
        File.WriteAllText(Dll, "");
        File.WriteAllText(Launcher, "");
        File.SetUnixFileMode(Launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var program = NodeProgram.Locate(_folder);

        Assert.Equal(Launcher, program.FileName);
        Assert.Empty(program.Prefix);
    }

    [Fact]
    public void A_launcher_without_the_execute_bit_as_a_package_may_leave_it_falls_back_to_the_dotnet_host()
    {
        File.WriteAllText(Dll, "");
        File.WriteAllText(Launcher, "");
        File.SetUnixFileMode(Launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var program = NodeProgram.Locate(_folder);

        Assert.Equal("dotnet", Path.GetFileName(program.FileName));
        Assert.Equal([Dll], program.Prefix);
    }

    [Fact]
    public void A_missing_node_program_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => NodeProgram.Locate(_folder));
        Assert.Contains(Dll, e.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
