using System.Diagnostics;

namespace ActorRunner.Orchestrator.Launching;

/// <summary>Ending a node's process, alike for the launcher and for the nodes started early.</summary>
internal static class NodeProcess
{
    /// <summary>Closes the process's standard input, which a node reads as its sign to go; a process already gone is left be.</summary>
    public static void CloseInput(Process process)
    {
        try
        {
            process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Already gone: its exit is on its way.
        }
    }

    /// <summary>
    /// Kills the process and every process it started, then waits up to <paramref name="wait"/> for it to exit (zero:
    /// not at all); a process already gone, or one that cannot be killed (it is exiting), is left be.
    /// </summary>
    public static void Kill(Process process, TimeSpan wait = default)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            if (wait > TimeSpan.Zero) process.WaitForExit(wait);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
