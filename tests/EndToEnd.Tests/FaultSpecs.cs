using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>Faults injected for real: a node process killed mid-run.</summary>
public sealed class FaultSpecs : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_node_killed_at_the_barrier_ends_the_loop_inconclusive_naming_it_and_leaves_the_lock_and_database_sound()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        // A long release delay keeps every task parked at the barrier while we kill node-2.
        using var orchestrator = _workspace.Start(["--tasks", "10", "--nodes", "2", "--release-delay", "20s"], stdout, stderr);
        Assert.True(await Processes.Eventually(() => { lock (stdout) return stdout.ToString().Contains("(2/2,"); }, TimeSpan.FromSeconds(40)),
            $"nodes never joined:\n{stdout}\n{stderr}");
        var node2 = Processes.Mentioning(_workspace.Folder)
            .Single(pid => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains("--node-id node-2 "));
        var killedAt = Stopwatch.StartNew();
        Process.GetProcessById(node2).Kill();

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(30));
        var detected = killedAt.Elapsed;

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.True(detected < TimeSpan.FromSeconds(10), $"the run took {detected} to end after the kill");
        Assert.Equal("inconclusive", result.Root.GetProperty("verdict").GetString());
        var loop = Assert.Single(result.Root.GetProperty("loops").EnumerateArray());
        Assert.Equal("inconclusive", loop.GetProperty("verdict").GetString());
        Assert.Contains(loop.GetProperty("findings").EnumerateArray(), f => f.GetString()!.Contains("node-2"));
        Assert.Equal(0, loop.GetProperty("counter").GetInt64());

        // The lock is free again and the database is intact.
        var runFolder = result.RunFolder!;
        using (var lockFile = File.Open(Path.Combine(runFolder, "counter.lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
        using var connection = new SqliteConnection($"Data Source={Path.Combine(runFolder, "counter.db")};Pooling=False");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", check.ExecuteScalar());
        Assert.Empty(_workspace.ProcessesStillRunning());
    }
}
