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
        await Workspace.BothNodesReady(stdout, stderr);
        var node2 = Processes.Mentioning(_workspace.Folder).Where(pid => pid != orchestrator.Id).Single(pid => NodeIdOf(pid) == "node-2");
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
        AssertSound(result.RunFolder!);
    }

    [Fact]
    public async Task A_lock_holder_killed_after_its_commit_leaves_the_loop_inconclusive_never_violated_and_the_lock_free()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--tasks", "4", "--nodes", "2", "--set", "lock.hold=1500ms"], stdout, stderr);
        var holder = await LockHolder(stdout, stderr);
        var node = NodeIdOf(holder);
        Process.GetProcessById(holder).Kill();

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 3, result.ToString());
        var loop = Assert.Single(result.Root.GetProperty("loops").EnumerateArray());
        Assert.Equal("inconclusive", loop.GetProperty("verdict").GetString());
        Assert.Contains(loop.GetProperty("findings").EnumerateArray(), f => f.GetString()!.Contains(node));
        // The holder had committed: its increment is in the counter, and it counts as indeterminate, not lost.
        var acknowledged = loop.GetProperty("acknowledged").GetInt32();
        var indeterminate = loop.GetProperty("indeterminate").GetInt32();
        var counter = loop.GetProperty("counter").GetInt64();
        Assert.True(indeterminate >= 1);
        Assert.InRange(counter, acknowledged, acknowledged + indeterminate);
        Assert.Empty(loop.GetProperty("collisions").EnumerateArray());
        Assert.Equal(0, loop.GetProperty("lostUpdates").GetInt64());
        // The survivors got the lock after the kill: every task of the other node committed.
        Assert.Equal(2, acknowledged);
        AssertSound(result.RunFolder!);
    }

    [Fact]
    public async Task A_paused_lock_holder_makes_the_others_time_out_and_the_loop_inconclusive_naming_its_node()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--tasks", "4", "--nodes", "2", "--lock-timeout", "1s",
            "--set", "lock.hold=1500ms", "--set", "loop-timeout=2s", "--set", "shutdown-timeout=2s"], stdout, stderr);
        var holder = await LockHolder(stdout, stderr);
        var node = NodeIdOf(holder);
        // Paused once its write has committed (it keeps the lock 1.5 s more): paused inside SQLite's commit, it would
        // keep the database itself locked, and the outcome could not be read at all.
        var runFolder = Directory.GetDirectories(_workspace.Runs).Single();
        Assert.True(await Processes.Eventually(() => Counter(runFolder) >= 1, TimeSpan.FromSeconds(20)), "the lock holder never committed");
        Signal(holder, "STOP");

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 3, result.ToString());
        var loop = Assert.Single(result.Root.GetProperty("loops").EnumerateArray());
        Assert.Equal("inconclusive", loop.GetProperty("verdict").GetString());
        var errors = loop.GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("error").GetString()!.Contains("lock not acquired"));
        Assert.Contains(loop.GetProperty("findings").EnumerateArray(), f => f.GetString()!.Contains($"no reports from {node}"));
        Assert.Equal(0, loop.GetProperty("lostUpdates").GetInt64());
        AssertSound(result.RunFolder!);
    }

    [Fact]
    public async Task When_the_orchestrator_is_killed_every_node_exits_by_itself()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--tasks", "4", "--nodes", "2", "--release-delay", "60s"], stdout, stderr);
        await Workspace.BothNodesReady(stdout, stderr);
        var nodes = Processes.Mentioning(_workspace.Folder).Where(pid => pid != orchestrator.Id).ToList();
        Assert.Equal(2, nodes.Count);

        orchestrator.Kill();

        Assert.True(await Processes.Eventually(() => nodes.All(pid => !Processes.IsAlive(pid)), TimeSpan.FromSeconds(10)),
            "a node outlived its orchestrator by more than 10 s");
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    [InlineData("HUP")]
    public async Task A_signal_to_the_orchestrator_stops_the_run_in_order_with_an_interrupted_report(string signal)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--tasks", "4", "--nodes", "2", "--release-delay", "60s"], stdout, stderr);
        await Workspace.BothNodesReady(stdout, stderr);

        Signal(orchestrator.Id, signal);
        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.True(result.Root.GetProperty("interrupted").GetBoolean());
        Assert.Equal("interrupted", result.Root.GetProperty("stoppedBy").GetString());
        Assert.Equal("inconclusive", result.Root.GetProperty("verdict").GetString());
        Assert.Empty(_workspace.ProcessesStillRunning());
    }

    [Fact]
    public async Task A_signal_as_soon_as_the_run_folder_exists_stops_the_run_in_order_once_it_is_up()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--tasks", "4", "--nodes", "2", "--release-delay", "60s"], stdout, stderr);
        // The run folder is made before the nodes start and long before the orchestrator's actor system is up.
        Assert.True(await Processes.Eventually(() => Directory.Exists(_workspace.Runs) && Directory.GetDirectories(_workspace.Runs).Length > 0,
            TimeSpan.FromSeconds(30)), $"the run never started:\n{stdout}\n{stderr}");

        Signal(orchestrator.Id, "TERM");
        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("interrupted", result.Root.GetProperty("stoppedBy").GetString());
        Assert.Equal("inconclusive", result.Root.GetProperty("verdict").GetString());
        Assert.Empty(_workspace.ProcessesStillRunning());
    }

    /// <summary>The pid holding the run's lock file, from /proc/locks, once a task holds it.</summary>
    private async Task<int> LockHolder(StringBuilder stdout, StringBuilder stderr)
    {
        await Workspace.BothNodesReady(stdout, stderr);
        var lockFile = Path.Combine(Directory.GetDirectories(_workspace.Runs).Single(), "counter.lock");
        var inode = Inode(lockFile);
        var holder = 0;
        Assert.True(await Processes.Eventually(() => (holder = FlockHolder(inode)) > 0, TimeSpan.FromSeconds(20)), "no task took the lock");
        return holder;
    }

    /// <summary>Whether the log file (buffered: it may not be there yet) has an event of this message template.</summary>
    private static bool LogSays(string path, string template)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Contains(template, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether a task thread of <paramref name="pid"/> (named by its task id) sleeps in nanosleep or clock_nanosleep:
    /// past the flock, that is the holder in SQLite's busy wait, inside its UPDATE (its read went through: a RESERVED
    /// lock lets readers read). The node's other tasks block in flock(2), and its release wait is over.
    /// </summary>
    private static bool WaitsInItsWrite(int pid)
    {
        const string nanosleep = "35", clockNanosleep = "230"; // x86-64 system call numbers
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task").Any(thread =>
                File.ReadAllText(Path.Combine(thread, "comm")).StartsWith("task-", StringComparison.Ordinal)
                && File.ReadAllText(Path.Combine(thread, "syscall")).Split(' ')[0] is nanosleep or clockNanosleep);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // a thread ended while it was read
        }
    }

    private static string NodeIdOf(int pid)
    {
        var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        return cmdline[Array.IndexOf(cmdline, "--node-id") + 1];
    }

    private static long Inode(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var text = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return long.Parse(text.Trim());
    }

    private static int FlockHolder(long inode)
    {
        foreach (var line in File.ReadAllLines("/proc/locks"))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // 1: FLOCK  ADVISORY  WRITE 12345 08:01:123456 0 EOF  (a blocked waiter's line has "->" after the number)
            if (parts.Length >= 6 && parts[1] == "FLOCK" && parts[3] == "WRITE" && parts[5].EndsWith(":" + inode))
                return int.Parse(parts[4]);
        }
        return 0;
    }

    private static long ResidentKb(int pid) =>
        long.Parse(File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>The counter as committed now (0 while a writer keeps the database locked).</summary>
    private static long Counter(string runFolder)
    {
        try
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(runFolder, "counter.db")};Mode=ReadOnly;Pooling=False;Default Timeout=1");
            connection.Open();
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT value FROM counter WHERE id = 1;";
            return Convert.ToInt64(read.ExecuteScalar() ?? 0L);
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    /// <summary>The lock can be taken at once (a leftover holder would make this fail), the database passes
    /// SQLite's integrity check, and no process of the run is left.</summary>
    private void AssertSound(string runFolder)
    {
        using (File.Open(Path.Combine(runFolder, "counter.lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
        using var connection = new SqliteConnection($"Data Source={Path.Combine(runFolder, "counter.db")};Pooling=False");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", check.ExecuteScalar());
        Assert.Empty(_workspace.ProcessesStillRunning());
    }

    [Fact]
    public async Task Garbage_on_the_orchestrators_port_is_dropped_and_the_run_still_verifies()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--tasks", "10", "--nodes", "2", "--loops", "2", "--release-delay", "3s"], stdout, stderr);
        var address = await Workspace.AddressFrom(stdout);
        var port = int.Parse(address[(address.LastIndexOf(':') + 1)..]);
        await Workspace.BothNodesReady(stdout, stderr);

        var idle = new List<System.Net.Sockets.TcpClient>();
        var rssBefore = ResidentKb(orchestrator.Id);
        try
        {
            foreach (var payload in new[]
                     {
                         Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                         new byte[] { 0x7f, 0xff, 0xff, 0xff, 1, 2, 3 },                 // a huge length prefix
                         Enumerable.Range(0, 4096).Select(i => (byte)(i * 31)).ToArray(), // noise
                     })
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                await client.GetStream().WriteAsync(payload);
            }
            for (var i = 0; i < 200; i++)
            {
                var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                idle.Add(client);
            }

            // Memory stays bounded: the huge length prefix is refused, not allocated (frames are capped at 1 MiB).
            var rssAfter = ResidentKb(orchestrator.Id);
            Assert.True(rssAfter - rssBefore < 64 * 1024, $"the orchestrator grew from {rssBefore} kB to {rssAfter} kB");

            var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(60));

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.All(result.Root.GetProperty("loops").EnumerateArray(), l => Assert.Equal("verified", l.GetProperty("verdict").GetString()));
        }
        finally
        {
            foreach (var client in idle) client.Dispose();
        }
    }

    [Fact]
    public async Task File_locking_switched_off_for_dotnet_leaves_the_flock_excluding_and_the_run_verified()
    {
        // .NET's own FileStream locking obeys this variable; the lock here is flock(2) on open(2) descriptors, and
        // each node proves at start that it excludes.
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--tasks", "30", "--nodes", "2", "--loops", "2"], stdout, stderr,
            new Dictionary<string, string> { ["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1" });

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All(result.Root.GetProperty("loops").EnumerateArray(), l => Assert.Equal(30, l.GetProperty("counter").GetInt64()));
    }

    [Fact]
    public async Task A_lock_file_deleted_while_held_is_detected_and_no_task_acts_under_a_lock_that_no_longer_guards_the_path()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--tasks", "4", "--nodes", "2", "--set", "lock.hold=1500ms"], stdout, stderr);
        await LockHolder(stdout, stderr);
        File.Delete(Path.Combine(Directory.GetDirectories(_workspace.Runs).Single(), "counter.lock"));

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(40));

        Assert.True(result.ExitCode == 3, result.ToString());
        var loop = Assert.Single(result.Root.GetProperty("loops").EnumerateArray());
        Assert.Equal("inconclusive", loop.GetProperty("verdict").GetString());
        Assert.Contains(loop.GetProperty("errors").EnumerateArray(), e => e.GetProperty("error").GetString()!.Contains("was deleted while held"));
        Assert.Equal(0, loop.GetProperty("lostUpdates").GetInt64());
        Assert.Empty(_workspace.ProcessesStillRunning());
    }

    [Fact]
    public async Task A_node_killed_while_its_tasks_wait_for_the_lock_is_named_and_the_holders_work_stands()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--tasks", "4", "--nodes", "2", "--set", "lock.hold=1500ms"], stdout, stderr);
        var holder = await LockHolder(stdout, stderr);
        var holderNode = NodeIdOf(holder);
        var waiter = Processes.Mentioning(_workspace.Folder).Single(pid => pid != orchestrator.Id && pid != holder);
        var waiterNode = NodeIdOf(waiter);
        Process.GetProcessById(waiter).Kill();

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 3, result.ToString());
        var loop = Assert.Single(result.Root.GetProperty("loops").EnumerateArray());
        Assert.Equal("inconclusive", loop.GetProperty("verdict").GetString());
        Assert.Contains(loop.GetProperty("findings").EnumerateArray(), f => f.GetString()!.Contains(waiterNode));
        // The waiting node's tasks never held the lock; the holder's node finished both of its tasks.
        Assert.Equal(2, loop.GetProperty("acknowledged").GetInt32());
        Assert.All(loop.GetProperty("errors").EnumerateArray(), e => Assert.Equal(waiterNode, e.GetProperty("node").GetString()));
        Assert.NotEqual(holderNode, waiterNode);
        Assert.Equal(0, loop.GetProperty("lostUpdates").GetInt64());
        AssertSound(result.RunFolder!);
    }

    [Fact]
    public async Task A_holder_killed_inside_its_write_before_the_commit_counts_as_indeterminate_and_nothing_is_lost()
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var orchestrator = _workspace.Start(["--tasks", "4", "--nodes", "2", "--release-delay", "2s"], stdout, stderr);
        await Workspace.BothNodesReady(stdout, stderr);
        // Every task parked and the loop's reset done: the release is set, 2 s off.
        var runFolder = Directory.GetDirectories(_workspace.Runs).Single();
        Assert.True(await Processes.Eventually(() => LogSays(Path.Combine(runFolder, "logs", "orchestrator.clef"), "every task parked; release at"),
            TimeSpan.FromSeconds(30)), $"the loop was never released:\n{stdout}\n{stderr}");
        var db = Path.Combine(runFolder, "counter.db");
        int holder;
        using (var blocker = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            blocker.Open();
            // Holding SQLite's write lock stops the first lock holder inside its UPDATE, before its commit.
            using var transaction = blocker.BeginTransaction(deferred: false);
            holder = await LockHolder(stdout, stderr);
            var inItsWrite = holder;
            Assert.True(await Processes.Eventually(() => WaitsInItsWrite(inItsWrite), TimeSpan.FromSeconds(20)),
                "the lock holder never waited inside its write");
            Process.GetProcessById(holder).Kill();
            transaction.Rollback();
        }
        var node = NodeIdOf(holder);

        var result = await _workspace.Finish(orchestrator, stdout, stderr, TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 3, result.ToString());
        var loop = Assert.Single(result.Root.GetProperty("loops").EnumerateArray());
        Assert.Equal("inconclusive", loop.GetProperty("verdict").GetString());
        Assert.Contains(loop.GetProperty("findings").EnumerateArray(), f => f.GetString()!.Contains(node));
        var acknowledged = loop.GetProperty("acknowledged").GetInt32();
        var indeterminate = loop.GetProperty("indeterminate").GetInt32();
        Assert.True(indeterminate >= 1);
        // Its write never landed: the counter is exactly what the others acknowledged, and that is within bounds.
        Assert.Equal(acknowledged, loop.GetProperty("counter").GetInt64());
        Assert.Equal(0, loop.GetProperty("lostUpdates").GetInt64());
        AssertSound(result.RunFolder!);
    }
}
