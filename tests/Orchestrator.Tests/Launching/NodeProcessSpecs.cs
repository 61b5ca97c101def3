using System.Diagnostics;
using ActorRunner.Orchestrator.Launching;

namespace ActorRunner.Orchestrator.Tests.Launching;

public sealed class NodeProcessSpecs
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    private static Process Start(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    /// <summary>Whether the process runs (a zombie, killed and not yet reaped by its parent, does not).</summary>
    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public void Closing_the_input_of_a_process_that_reads_it_ends_the_process_and_closing_it_again_is_harmless()
    {
        using var process = Start("cat");

        NodeProcess.CloseInput(process);

        Assert.True(process.WaitForExit(Within), "cat did not see the end of its input");
        NodeProcess.CloseInput(process);
    }

    [Fact]
    public void Killing_ends_the_process_and_what_it_started_and_killing_one_gone_is_harmless()
    {
        using var process = Start("sh", "-c", "sleep 60 & echo $!; wait");
        var child = int.Parse(process.StandardOutput.ReadLine()!);

        NodeProcess.Kill(process, wait: Within);

        Assert.True(process.HasExited, "the process outlived its kill");
        var deadline = DateTime.UtcNow + Within;
        while (IsRunning(child) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.False(IsRunning(child), $"the process it started (pid {child}) outlived the kill");
        NodeProcess.Kill(process);
        using var never = new Process();
        NodeProcess.Kill(never);
    }
}
