namespace ActorRunner.EndToEnd.Tests;

/// <summary>Bad usage: one line on stderr naming the culprit, exit code 2, nothing created.</summary>
public sealed class BadInputSpecs : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("--tasks 0", "--tasks")]
    [InlineData("--loops -1", "--loops")]
    [InlineData("--loops 0", "--duration")]
    [InlineData("--duration soon", "actor-runner.duration")]
    [InlineData("--frobnicate", "--frobnicate")]
    [InlineData("--lock sometimes", "sometimes")]
    [InlineData("--lock-timeout soon", "lock.timeout")]
    [InlineData("--set lock.timout=2s", "lock.timout")]
    [InlineData("--db /no/such/folder/counter.db", "/no/such/folder")]
    [InlineData("--hostname 0.0.0.0", "token")]
    [InlineData("--remote-hosts h1 --token t --remote-launch ssh", "has no {args} word")]
    [InlineData("--remote-hosts h1 --token t", "remote.launch")]
    [InlineData("--scenario race-window --remote-nodes 1 --nodes 1 --tasks 2", "actor-runner.remote-nodes (from --remote-nodes): scenario race-window runs on one machine only")]
    [InlineData("--scenario race-window --set race-window.us=-1", "actor-runner.race-window.us (from --set race-window.us=-1): -1 is below the minimum of 0")]
    [InlineData("calibrate --ladder 1,x", "actor-runner: --ladder: '1,x': 'x' is not a whole number")]
    [InlineData("calibrate --ladder 3,-1", "actor-runner: --ladder: '3,-1': -1 is below the minimum of 0")]
    [InlineData("calibrate --loops 0", "actor-runner: --loops: 0 is below the minimum of 1")]
    [InlineData("calibrate --set remote-nodes=1 --nodes 1 --tasks 2", "scenario race-window runs on one machine only")]
    [InlineData("calibrate --lock file", "--lock")]
    [InlineData("calibrate --tasks 1", "actor-runner: --tasks: 1: calibrate needs at least 2 tasks")]
    [InlineData("--tasks 99999999999", "actor-runner: --tasks: '99999999999' is not a whole number from -2147483648 to 2147483647")]
    [InlineData("--lock-timeout 100000d", "actor-runner.lock.timeout (from --lock-timeout): '100000d' is too long: at most 24 days")]
    public async Task Is_refused_with_exit_code_2_naming_the_culprit(string arguments, string named)
    {
        var result = await _workspace.Run(TimeSpan.FromSeconds(30), arguments.Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(named, line);
        Assert.False(Directory.Exists(_workspace.Runs), "a run folder was created for a run that never started");
    }

    [Theory]
    [InlineData("actor-runner { tasks = [1, }")]
    [InlineData("actor-runner {\n  tasks = 5\n")]
    [InlineData("actor-runner {\n  taks = 5\n}")]
    public async Task A_bad_config_file_is_refused_naming_the_file(string content)
    {
        var file = Path.Combine(_workspace.Folder, "bad.conf");
        await File.WriteAllTextAsync(file, content);

        var result = await _workspace.Run(TimeSpan.FromSeconds(30), "--config", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(file, Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(Directory.Exists(_workspace.Runs));
    }

    [Fact]
    public async Task A_port_already_in_use_is_refused_naming_it()
    {
        var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
            var result = await _workspace.Run(TimeSpan.FromSeconds(30), "--port", port.ToString());

            Assert.True(result.ExitCode == 2, result.ToString());
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(port.ToString(), line);
            Assert.Contains("--port", line);
            Assert.False(Directory.Exists(_workspace.Runs));
        }
        finally
        {
            taken.Stop();
        }
    }

    [Fact]
    public async Task A_database_folder_that_cannot_be_written_is_refused_naming_it()
    {
        // Root ignores permission bits, not the immutable attribute: the folder is made unwritable for anyone.
        var folder = Path.Combine(_workspace.Folder, "sealed");
        Directory.CreateDirectory(folder);
        Chattr("+i", folder);
        try
        {
            var result = await _workspace.Run(TimeSpan.FromSeconds(30), "--db", Path.Combine(folder, "counter.db"));

            Assert.True(result.ExitCode == 2, result.ToString());
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("actor-runner.db", line);
            Assert.Contains(folder, line);
            Assert.False(Directory.Exists(_workspace.Runs));
        }
        finally
        {
            Chattr("-i", folder);
        }
    }

    private static void Chattr(string flag, string path)
    {
        using var chattr = System.Diagnostics.Process.Start("chattr", [flag, path]);
        chattr.WaitForExit();
        Assert.True(chattr.ExitCode == 0, $"chattr {flag} {path} failed");
    }
}
