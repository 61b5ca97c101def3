using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorRunner.Orchestrator.Launching;

/// <summary>
/// How to start the task-node program that the build places beside the orchestrator (and the actor-runner tool
/// package carries beside it).
/// </summary>
public sealed record NodeProgram(string FileName, IReadOnlyList<string> Prefix)
{
    private const string Name = "ActorRunner.TaskNode";

    /// <summary>
    /// The node's native launcher when it is there and executable, otherwise the dotnet host running its dll (in an
    /// installed tool the launcher is not executable: a NuGet package keeps no file modes).
    /// </summary>
    public static NodeProgram Locate(string? folder = null)
    {
        folder ??= AppContext.BaseDirectory;
        var dll = Path.Combine(folder, Name + ".dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"the task-node program {dll} is missing (build the solution first)");
        var apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? Name + ".exe" : Name);
        if (IsExecutable(apphost)) return new NodeProgram(apphost, []);
        var dotnet = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..",
            OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
        return new NodeProgram(File.Exists(dotnet) ? dotnet : "dotnet", [dll]);
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0);

    public ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(FileName);
        foreach (var argument in Prefix.Concat(arguments)) info.ArgumentList.Add(argument);
        return info;
    }
}
